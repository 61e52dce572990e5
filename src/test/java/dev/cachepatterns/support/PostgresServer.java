package dev.cachepatterns.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Postgres 15 cluster of the test's own (initdb into a temp dir, trust auth, free loopback port) that a test can stop
 * and start again. Runs as the {@code postgres} user when the tests run as root.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final int port = RedisServer.freePort();
    private final Path dir;

    public PostgresServer() {
        try {
            dir = Files.createTempDirectory("pg-" + port);
            run(List.of(BIN.resolve("initdb").toString(), "-D", data(), "-U", "postgres", "-A", "trust"), 120);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    public PostgresServer start() {
        run(
                List.of(
                        BIN.resolve("pg_ctl").toString(),
                        "-D",
                        data(),
                        "-l",
                        dir.resolve("pg.log").toString(),
                        "-o",
                        "-p " + port + " -h 127.0.0.1 -k " + dir,
                        "-w",
                        "-t",
                        "60",
                        "start"),
                90);
        return this;
    }

    /** Fast shutdown: open connections are cut, as in a database crash or failover. */
    public void stop() {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data(), "-m", "fast", "-w", "stop"), 60);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // already stopped
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private void run(List<String> command, int timeoutSeconds) {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            try {
                new ProcessBuilder("chown", "-R", "postgres:postgres", dir.toString())
                        .start()
                        .waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("ctl.log").toFile()))
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("failed: " + String.join(" ", full) + " (see " + dir + "/ctl.log)");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
