package dev.cachepatterns.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 of the test's own (initdb into a temp dir, pg_ctl on a free loopback port) that a test can stop
 * and start again on the same port. As root, the binaries run as the {@code postgres} user, which owns the data dir.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final int port;
    private final Path dir;
    private final Path data;
    private final List<String> settings;
    private boolean initialized;

    public PostgresServer() {
        this(List.of());
    }

    /** With extra server settings, each {@code name=value} (passed as {@code -c name=value}). */
    public PostgresServer(List<String> settings) {
        this.settings = List.copyOf(settings);
        this.port = RedisServer.freePort();
        try {
            this.dir = Files.createTempDirectory("pg-" + port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.data = dir.resolve("data");
    }

    public int port() {
        return port;
    }

    /** The server's working directory (data dir, logs). */
    public Path dir() {
        return dir;
    }

    /** Reactive client URL of the {@code postgres} database. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/postgres";
    }

    public synchronized PostgresServer start() {
        if (!initialized) {
            if (isRoot()) {
                chownToPostgres(dir);
            }
            run(List.of(
                    BIN.resolve("initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync"));
            initialized = true;
        }
        run(List.of(
                BIN.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                dir.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "30",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + settings.stream().map(setting -> " -c " + setting).collect(Collectors.joining()),
                "start"));
        return this;
    }

    public synchronized boolean isRunning() {
        return initialized && Files.exists(data.resolve("postmaster.pid"));
    }

    /** Stops the server at once (fast shutdown: open connections are closed). */
    public synchronized void stop() {
        if (initialized && Files.exists(data.resolve("postmaster.pid"))) {
            run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
        }
    }

    /**
     * Hangs this server: SIGSTOP to its postmaster and every backend (this server's only: the pid comes from its own
     * data dir). The kernel still completes TCP handshakes; nothing answers until {@link #thaw()}.
     */
    public synchronized void freeze() {
        signal("-STOP");
    }

    /** Resumes a {@link #freeze() frozen} server (SIGCONT to the same processes and any started meanwhile). */
    public synchronized void thaw() {
        signal("-CONT");
    }

    private void signal(String signal) {
        long postmaster;
        try {
            postmaster = Long.parseLong(
                    Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new IllegalStateException("not running", e);
        }
        ProcessHandle root = ProcessHandle.of(postmaster).orElseThrow(() -> new IllegalStateException("no postmaster"));
        List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(postmaster)));
        root.descendants().forEach(child -> command.add(Long.toString(child.pid())));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("failed: " + String.join(" ", command));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temp dir left behind is harmless.
        }
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("commands.log").toFile()))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "failed: " + String.join(" ", full) + "\n" + Files.readString(dir.resolve("commands.log")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownToPostgres(Path path) {
        try {
            UserPrincipal postgres =
                    path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(path, postgres);
        } catch (IOException e) {
            throw new IllegalStateException("cannot hand " + path + " to the postgres user", e);
        }
    }
}
