package dev.cachepatterns.users;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of POST and PUT /users: what a client may set on a user. */
public record UserInput(
        @NotBlank @Size(max = 100) String name,
        @NotBlank @Email @Size(max = 254) String email,

        @Size(max = 2048) @Pattern(regexp = "https?://\\S+", message = "must be an http or https URL")
        String avatarUrl) {}
