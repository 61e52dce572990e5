package dev.cachepatterns.posts;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of POST /posts. */
@Schema(additionalProperties = Schema.False.class)
public record PostInput(
        @NotNull @Pattern(regexp = Slugs.PATTERN, message = Slugs.RULE) @Schema(example = "hello")
        String slug,

        @NotBlank @Size(max = 200) @Schema(example = "Hello")
        String title,

        @NotNull @Size(max = 20_000) @Schema(example = "First post.")
        String body,

        @NotNull @Positive @Schema(example = "1") Long authorId) {}
