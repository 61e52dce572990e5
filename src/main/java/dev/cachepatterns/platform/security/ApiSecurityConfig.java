package dev.cachepatterns.platform.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Access to the API (docs/security.md): every state-changing request needs a bearer JWT with the role {@code writer}.
 * The rule itself is the {@code quarkus.http.auth.permission.writes} set in {@code application.properties}; this
 * switch turns it off.
 */
@ConfigMapping(prefix = "api-security")
public interface ApiSecurityConfig {

    /**
     * On by default. {@code false} (API_SECURITY_ENABLED=false) lets anyone write: for a service that sits behind a
     * gateway doing the check, or a throw-away setup. Logged as a warning at every start; without it the prod profile
     * refuses to start when no verification key is configured ({@link ApiSecurityStartupCheck}).
     */
    @WithDefault("true")
    boolean enabled();
}
