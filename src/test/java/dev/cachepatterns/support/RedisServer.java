package dev.cachepatterns.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A real redis-server process on a free loopback port that a test can stop and start again (same port). {@link #tlsOnly}
 * makes that port a TLS port and closes the plain one.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final boolean tlsOnly;
    private Process process;

    public RedisServer(List<String> extraArgs) {
        this(extraArgs, false);
    }

    /** A server that speaks only TLS on {@link #port()}; {@code tlsArgs} carry the certificate options. */
    public static RedisServer tlsOnly(List<String> tlsArgs) {
        return new RedisServer(tlsArgs, true);
    }

    private RedisServer(List<String> extraArgs, boolean tlsOnly) {
        this.port = freePort();
        this.extraArgs = List.copyOf(extraArgs);
        this.tlsOnly = tlsOnly;
        try {
            this.dir = Files.createTempDirectory("redis-" + port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return (tlsOnly ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    public synchronized RedisServer start() {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        command.addAll(
                tlsOnly
                        ? List.of("--port", "0", "--tls-port", String.valueOf(port))
                        : List.of("--port", String.valueOf(port)));
        command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(tlsOnly ? this::acceptsConnections : this::answersPing);
        return this;
    }

    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The process id, for SIGSTOP/SIGCONT ({@code kill -STOP pid}). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("redis-server is not running");
        }
        return process.pid();
    }

    /** Kills the server and deletes its files (append-only file included), so the next start is empty. */
    public synchronized void stopAndWipe() {
        stop();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.filter(path -> !path.equals(dir))
                    .sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.read(reply);
            return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
