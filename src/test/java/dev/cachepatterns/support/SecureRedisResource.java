package dev.cachepatterns.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A redis-server that is locked down the way docs/security.md describes: TLS only (a CA and a server certificate made
 * with openssl at test time), the ACL of {@code deploy/redis/users.acl.template} rendered by
 * {@code deploy/redis/render-acl.sh} (the {@code default} user off), random passwords. The application connects as
 * the service user {@code cache-patterns} over {@code rediss://}, with the password in {@code quarkus.redis.password}
 * and the CA file for the {@code redis-tls} configuration profile.
 */
public class SecureRedisResource implements QuarkusTestResourceLifecycleManager {

    public static final String SERVICE_USER = "cache-patterns";
    private static final Path RENDER_SCRIPT = Path.of("deploy/redis/render-acl.sh");

    private static volatile RedisServer server;
    private static volatile Path dir;
    private static volatile String servicePassword;
    private static volatile String adminPassword;

    public static RedisServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("redis-secure");
            makeCertificates(dir);
            servicePassword = UUID.randomUUID().toString();
            adminPassword = UUID.randomUUID().toString();
            Path acl = dir.resolve("users.acl");
            Files.writeString(acl, renderAcl(servicePassword, adminPassword));
            server = RedisServer.tlsOnly(List.of(
                            "--tls-cert-file", dir.resolve("server.crt").toString(),
                            "--tls-key-file", dir.resolve("server.key").toString(),
                            "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
                            "--tls-auth-clients", "no",
                            "--aclfile", acl.toString()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "quarkus.redis.hosts",
                "rediss://127.0.0.1:" + server.port() + "?user=" + SERVICE_USER,
                "quarkus.redis.password",
                servicePassword,
                // Read by the redis-tls configuration profile, as a deployment would set it in the environment.
                "REDIS_TLS_CA_FILE",
                dir.resolve("ca.crt").toString());
    }

    /** Renders the ACL template with deploy/redis/render-acl.sh, exactly as a deployment would. */
    private static String renderAcl(String service, String admin) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", RENDER_SCRIPT.toString());
        builder.environment().put("CACHE_PATTERNS_REDIS_PASSWORD", service);
        builder.environment().put("REDIS_ADMIN_PASSWORD", admin);
        Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String acl = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || !acl.contains("user ")) {
                throw new IllegalStateException("render-acl.sh failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return acl;
    }

    /** redis-cli over TLS as the service user. */
    public static String asService(String... command) {
        return cli(List.of("--user", SERVICE_USER, "--pass", servicePassword), command);
    }

    /** redis-cli over TLS as the operators' admin user. */
    public static String asAdmin(String... command) {
        return cli(List.of("--user", "admin", "--pass", adminPassword), command);
    }

    /** redis-cli over TLS without credentials (the default user). */
    public static String anonymous(String... command) {
        return cli(List.of(), command);
    }

    private static String cli(List<String> credentials, String... command) {
        List<String> args = new ArrayList<>(List.of(
                "redis-cli",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(server.port()),
                "--tls",
                "--cacert",
                dir.resolve("ca.crt").toString(),
                "--no-auth-warning"));
        args.addAll(credentials);
        args.addAll(List.of(command));
        return run(args, null);
    }

    private static void makeCertificates(Path dir) throws IOException {
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(
                List.of(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=cache-patterns test CA",
                        "-keyout",
                        "ca.key",
                        "-out",
                        "ca.crt"),
                dir);
        run(
                List.of(
                        "openssl",
                        "req",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-subj",
                        "/CN=localhost",
                        "-keyout",
                        "server.key",
                        "-out",
                        "server.csr"),
                dir);
        run(
                List.of(
                        "openssl",
                        "x509",
                        "-req",
                        "-in",
                        "server.csr",
                        "-CA",
                        "ca.crt",
                        "-CAkey",
                        "ca.key",
                        "-CAcreateserial",
                        "-days",
                        "1",
                        "-extfile",
                        "san.ext",
                        "-out",
                        "server.crt"),
                dir);
        if (!Files.exists(dir.resolve("server.crt"))) {
            throw new IllegalStateException("openssl did not make the test certificates");
        }
    }

    private static String run(List<String> command, Path workDir) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
