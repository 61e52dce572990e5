package dev.cachepatterns.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

/**
 * Dev mode's own signing key, so writes can be tried at once: an RSA key pair generated on the first start into
 * {@code target/dev-jwt/} ({@code private.pem}, {@code public.pem}) and kept until {@code mvn clean}, so tokens from
 * {@code scripts/token.sh} (which signs with the same file, and creates it if dev mode has not yet) survive restarts
 * and live reloads. Generated rather than committed: a private key in the repository is copied into every service
 * made from it and trips secret scanners, and this one never leaves the machine.
 *
 * <p>Dev profile only, and only when no key is configured; the prod profile never sees it (and refuses to start
 * without a key, {@link ApiSecurityStartupCheck}), tests use the test key in {@code src/test/resources/jwt}.
 */
public class DevJwtKeys implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(DevJwtKeys.class);
    // Above application.properties (250), below environment variables (300) and system properties (400).
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        if (!profiles.contains("dev") || profiles.contains("test") || keyConfigured(context)) {
            return List.of();
        }
        Path dir = keyDirectory();
        if (dir == null) {
            return List.of();
        }
        Path publicKey = dir.resolve("public.pem");
        Path privateKey = dir.resolve("private.pem");
        ensureKeyPair(privateKey, publicKey);
        return List.of(new PropertiesConfigSource(
                Map.of(
                        "mp.jwt.verify.publickey.location", publicKey.toString(),
                        "smallrye.jwt.sign.key.location", privateKey.toString()),
                "dev-jwt-keys",
                ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean keyConfigured(ConfigSourceContext context) {
        return ApiSecurityStartupCheck.KEY_PROPERTIES.stream().anyMatch(name -> {
            ConfigValue value = context.getValue(name);
            return value != null
                    && value.getValue() != null
                    && !value.getValue().isBlank();
        });
    }

    /** {@code target/dev-jwt}, found from where this class was loaded ({@code target/classes} in dev mode). */
    private static Path keyDirectory() {
        try {
            Path classes = Path.of(DevJwtKeys.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!Files.isDirectory(classes) || classes.getParent() == null) {
                return null;
            }
            return classes.getParent().resolve("dev-jwt");
        } catch (URISyntaxException | RuntimeException e) {
            LOG.debugf(e, "no directory for a dev key");
            return null;
        }
    }

    private static synchronized void ensureKeyPair(Path privateKey, Path publicKey) {
        if (Files.exists(privateKey) && Files.exists(publicKey)) {
            return;
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(privateKey.getParent());
            // The private key first: whoever finds the public key may rely on its pair being there.
            write(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            write(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            LOG.infof(
                    "Generated a dev-only JWT key pair in %s (scripts/token.sh signs with it)", privateKey.getParent());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    // Written aside and moved into place, so a concurrent reader (token.sh, a second config load) never sees half a
    // key.
    private static void write(Path target, String content) throws IOException {
        Path temp =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
