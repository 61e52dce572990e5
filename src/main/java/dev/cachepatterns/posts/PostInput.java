package dev.cachepatterns.posts;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** The body of POST /posts. */
public record PostInput(
        @NotNull @Pattern(regexp = Slugs.PATTERN, message = Slugs.RULE)
        String slug,

        @NotBlank @Size(max = 200) String title,
        @NotNull @Size(max = 20_000) String body,
        @NotNull @Positive Long authorId) {}
