package dev.cachepatterns.users;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of POST and PUT /users: what a client may set on a user. */
@Schema(additionalProperties = Schema.False.class)
public record UserInput(
        @NotBlank @Size(max = 100) @Schema(example = "Ada Lovelace")
        String name,

        @NotBlank @Email @Size(max = 254) @Schema(example = "ada@example.com")
        String email,

        @Size(max = 2048)
        @Pattern(regexp = "https?://\\S+", message = "must be an http or https URL")
        @Schema(example = "https://example.com/ada.png", nullable = true)
        String avatarUrl) {}
