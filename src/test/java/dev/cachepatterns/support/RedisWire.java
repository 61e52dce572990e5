package dev.cachepatterns.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP2 client on a plain socket, for tests that must look at Redis from outside the application (the
 * keyspace, {@code XPENDING}, {@code MONITOR}) without sharing its client or its connection pool.
 */
public final class RedisWire implements AutoCloseable {

    /** An error reply ({@code -ERR ...}). */
    public record Error(String message) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RedisWire connect(int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(10_000);
            return new RedisWire(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command and returns its reply: String, Long, List, {@link Error} or null. */
    public Object call(String... args) {
        return call(List.of(args));
    }

    public Object call(List<String> args) {
        send(args);
        return read();
    }

    public long callLong(String... args) {
        Object reply = call(args);
        if (reply instanceof Long value) {
            return value;
        }
        throw new IllegalStateException("expected an integer from " + String.join(" ", args) + ", got " + reply);
    }

    /** Sends a command without reading its reply (MONITOR, pipelining). */
    public void send(List<String> args) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            buffer.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                buffer.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                buffer.write(bytes);
                buffer.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(buffer.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one reply. */
    public Object read() {
        try {
            int type = in.read();
            if (type < 0) {
                throw new IOException("connection closed");
            }
            String line = readLine();
            return switch (type) {
                case '+' -> line;
                case '-' -> new Error(line);
                case ':' -> Long.parseLong(line);
                case '$' -> {
                    int length = Integer.parseInt(line);
                    if (length < 0) {
                        yield null;
                    }
                    byte[] bytes = in.readNBytes(length + 2);
                    yield new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                case '*' -> {
                    int count = Integer.parseInt(line);
                    if (count < 0) {
                        yield null;
                    }
                    List<Object> items = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        items.add(read());
                    }
                    yield items;
                }
                default -> throw new IOException("unexpected reply type " + (char) type);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every key in the keyspace (SCAN, so it never blocks the server like KEYS). */
    public List<String> scanAll() {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) call("SCAN", cursor, "COUNT", "1000");
            cursor = (String) reply.get(0);
            for (Object key : (List<?>) reply.get(1)) {
                keys.add((String) key);
            }
        } while (!cursor.equals("0"));
        return keys;
    }

    public void soTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test connection cannot fail in a way that matters.
        }
    }
}
