package dev.cachepatterns.platform.security;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Refuses to start a packaged app whose writes would need a token nobody can verify: without a verification key every
 * write would be a 401, which looks like an attack rather than a missing setting. Dev mode and tests bring their own
 * keys ({@link DevJwtKeys}, {@code src/test/resources/jwt}).
 */
@ApplicationScoped
public class ApiSecurityStartupCheck {

    private static final Logger LOG = Logger.getLogger(ApiSecurityStartupCheck.class);

    /** Any one of these names a key that smallrye-jwt verifies signatures with. */
    static final List<String> KEY_PROPERTIES =
            List.of("mp.jwt.verify.publickey.location", "mp.jwt.verify.publickey", "smallrye.jwt.verify.key.location");

    static final String ISSUER_PROPERTY = "mp.jwt.verify.issuer";

    private final ApiSecurityConfig security;
    private final Config config;

    public ApiSecurityStartupCheck(ApiSecurityConfig security, Config config) {
        this.security = security;
        this.config = config;
    }

    void check(@Observes StartupEvent event) {
        if (!security.enabled()) {
            LOG.warn("api-security.enabled=false: the API's writes need no token, anyone who reaches the port can"
                    + " change data. Only behind a gateway that checks tokens itself, or for a throw-away setup.");
            return;
        }
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        String message = "Writes need a bearer JWT with the role writer, but no " + String.join(" and no ", missing)
                + " is configured. Set MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM or JWKS file or URL with the issuer's"
                + " public key) and MP_JWT_VERIFY_ISSUER, or switch the check off explicitly with"
                + " API_SECURITY_ENABLED=false (docs/security.md).";
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            throw new IllegalStateException(message);
        }
        LOG.warn(message);
    }

    List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (KEY_PROPERTIES.stream().noneMatch(this::isSet)) {
            missing.add("verification key (mp.jwt.verify.publickey.location)");
        }
        if (!isSet(ISSUER_PROPERTY)) {
            missing.add("issuer (mp.jwt.verify.issuer)");
        }
        return missing;
    }

    // smallrye-jwt's dev-mode generator writes NONE for a key it leaves unset.
    private boolean isSet(String name) {
        return config.getOptionalValue(name, String.class)
                .filter(value -> !value.isBlank() && !"NONE".equals(value))
                .isPresent();
    }
}
