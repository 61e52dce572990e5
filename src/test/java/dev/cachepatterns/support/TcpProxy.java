package dev.cachepatterns.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of a server, for fault injection: it can add latency (a delay line per
 * direction, so throughput is not throttled), blackhole (accept and read, but forward nothing: a hung server), and cut
 * every open connection. Platform threads, a few per connection: test code with a few dozen connections.
 */
public final class TcpProxy implements AutoCloseable {

    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile boolean blackholed;
    private volatile boolean closed;

    public TcpProxy(int upstreamPort) {
        this.upstreamPort = upstreamPort;
        try {
            server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        daemon("accept", this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** One-way delay added to every chunk in each direction (a round trip gets twice this). */
    public void latency(long millis) {
        latencyNanos = millis * 1_000_000;
    }

    /**
     * A one-way delay that varies per chunk between {@code minMillis} and {@code maxMillis}, in each direction; bytes
     * stay in order (a chunk never overtakes the one before it), as on a real network whose latency varies.
     */
    public void latency(long minMillis, long maxMillis) {
        latencyNanos = minMillis * 1_000_000;
        jitterNanos = Math.max(0, maxMillis - minMillis) * 1_000_000;
    }

    /** Connections stay open and bytes are read, but nothing is forwarded until {@link #heal()}: a hung server. */
    public void blackhole() {
        blackholed = true;
    }

    /** Forwards again (bytes held back while blackholed are delivered) and removes the latency. */
    public synchronized void heal() {
        latencyNanos = 0;
        jitterNanos = 0;
        blackholed = false;
        notifyAll();
    }

    /** Closes every open connection at once (clients see a reset); new connections are accepted as usual. */
    public void cutAll() {
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    public int openConnections() {
        return sockets.size() / 2;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        heal();
        cutAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            daemon("connect", () -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
        } catch (IOException e) {
            // Upstream down: the client sees its connection closed, as behind any TCP load balancer.
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
    }

    /** Bytes read from one side, to be written to the other at {@code due} (System.nanoTime()); FIFO on ties. */
    private record Chunk(byte[] bytes, long due, long sequence) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Chunk that = (Chunk) other;
            int byDue = Long.compare(due, that.due);
            return byDue != 0 ? byDue : Long.compare(sequence, that.sequence);
        }
    }

    // The delay queue hands each chunk to the writer when it is due: the added latency without sleeping.
    private void pipe(Socket from, Socket to) {
        DelayQueue<Chunk> line = new DelayQueue<>();
        daemon("read", () -> {
            byte[] buffer = new byte[16 * 1024];
            long previousDue = 0;
            long sequence = 0;
            try (InputStream in = from.getInputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    long jitter = jitterNanos;
                    long due = System.nanoTime()
                            + latencyNanos
                            + (jitter > 0
                                    ? java.util.concurrent.ThreadLocalRandom.current()
                                            .nextLong(jitter)
                                    : 0);
                    // Never reordered: a chunk is due no earlier than the one before it.
                    due = Math.max(due, previousDue);
                    previousDue = due;
                    line.add(new Chunk(Arrays.copyOf(buffer, read), due, sequence++));
                }
            } catch (IOException ignored) {
                // The connection was closed or reset.
            }
            line.add(new Chunk(null, previousDue, sequence));
        });
        daemon("write", () -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = line.take();
                    if (chunk.bytes() == null) {
                        break;
                    }
                    awaitForwarding();
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // The other side went away.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private synchronized void awaitForwarding() throws InterruptedException {
        while (blackholed && !closed) {
            wait(100);
        }
    }

    private void daemon(String role, Runnable body) {
        Thread thread = new Thread(body, "tcp-proxy-" + upstreamPort + "-" + role + "-" + threads.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already closed.
        }
    }
}
