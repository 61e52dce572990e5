package dev.cachepatterns.support.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Bearer tokens signed with the test key ({@code src/test/resources/jwt}, trusted by the test profile and by the
 * packaged apps the tests start, {@link #packagedAppEnv()}).
 */
public final class Tokens {

    public static final String ISSUER = "https://test.cache-patterns.invalid";
    public static final String ROLE = "writer";
    public static final String PUBLIC_KEY_RESOURCE = "jwt/test-public.pem";
    private static final String PRIVATE_KEY_RESOURCE = "jwt/test-private.pem";
    // Long enough for the slowest full run; tokens are made once per JVM.
    private static final Duration LIFESPAN = Duration.ofHours(12);

    private static final PrivateKey KEY = readKey();
    private static final String WRITER = sign(Set.of(ROLE), ISSUER, LIFESPAN, KEY);

    private Tokens() {}

    /** A valid token with the role {@code writer}. */
    public static String writer() {
        return WRITER;
    }

    /** {@code Bearer <writer token>}: the value of the Authorization header of a write. */
    public static String bearerWriter() {
        return "Bearer " + WRITER;
    }

    /** A valid token whose groups do not include {@code writer}. */
    public static String withoutRole() {
        return sign(Set.of("reader"), ISSUER, LIFESPAN, KEY);
    }

    /** A {@code writer} token that expired an hour ago (beyond the 60 s clock skew allowed). */
    public static String expired() {
        return sign(Set.of(ROLE), ISSUER, Duration.ofHours(-1), KEY);
    }

    /** A {@code writer} token from an issuer the service does not trust. */
    public static String otherIssuer() {
        return sign(Set.of(ROLE), "https://elsewhere.invalid", LIFESPAN, KEY);
    }

    /** A {@code writer} token signed by a key the service does not know. */
    public static String unknownKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return sign(
                    Set.of(ROLE), ISSUER, LIFESPAN, generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The environment that makes a packaged app (prod profile) trust these tokens. */
    public static Map<String, String> packagedAppEnv() {
        return Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKeyFile().toString(), "MP_JWT_VERIFY_ISSUER", ISSUER);
    }

    /** The test public key as a file (a packaged app runs outside the test classpath). */
    public static Path publicKeyFile() {
        URL url = Tokens.class.getClassLoader().getResource(PUBLIC_KEY_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(PUBLIC_KEY_RESOURCE + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(Set<String> groups, String issuer, Duration lifespan, PrivateKey key) {
        long now = System.currentTimeMillis() / 1000;
        return Jwt.issuer(issuer)
                .subject("cache-patterns-tests")
                .upn("tests@cache-patterns.invalid")
                .groups(groups)
                .issuedAt(lifespan.isNegative() ? now + lifespan.toSeconds() * 2 : now)
                .expiresAt(now + lifespan.toSeconds())
                .sign(key);
    }

    private static PrivateKey readKey() {
        try {
            return KeyUtils.readPrivateKey(PRIVATE_KEY_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
