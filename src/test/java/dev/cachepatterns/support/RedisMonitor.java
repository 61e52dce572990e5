package dev.cachepatterns.support;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.awaitility.Awaitility;

/**
 * Records every command a Redis server executes ({@code MONITOR} on a connection of its own, read by a daemon thread),
 * including the commands run inside Lua scripts. Only for a test's own redis-server: MONITOR slows a server down.
 */
public final class RedisMonitor implements AutoCloseable {

    /** One executed command: the client ({@code ip:port}, or {@code lua} inside a script) and its arguments. */
    public record Command(String client, List<String> args) {
        public String name() {
            return args.isEmpty() ? "" : args.get(0).toUpperCase();
        }
    }

    private final int port;
    private final RedisWire wire;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private volatile boolean stopped;

    private RedisMonitor(int port) {
        this.port = port;
        this.wire = RedisWire.connect(port);
        wire.soTimeout(0);
        wire.send(List.of("MONITOR"));
        Object ok = wire.read();
        if (!"OK".equals(ok)) {
            throw new IllegalStateException("MONITOR refused: " + ok);
        }
        this.reader = new Thread(this::readLoop, "redis-monitor-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    public static RedisMonitor start(int port) {
        return new RedisMonitor(port);
    }

    /** The commands recorded so far, in execution order. */
    public List<Command> commands() {
        return new ArrayList<>(commands);
    }

    /**
     * Waits until the monitor has seen a marker command sent now, so everything executed before this call is recorded.
     */
    public List<Command> drain() {
        String marker = "monitor-marker-" + System.nanoTime();
        try (RedisWire probe = RedisWire.connect(port)) {
            probe.call("ECHO", marker);
        }
        Awaitility.await("MONITOR delivers the marker")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> commands.stream()
                        .anyMatch(command -> command.args().size() == 2
                                && command.args().get(1).equals(marker)));
        return commands();
    }

    /**
     * The keys each distinct command addresses, as Redis itself computes them ({@code COMMAND GETKEYS}, which knows
     * EVALSHA's numkeys, XREADGROUP's STREAMS and so on). Commands without keys map to an empty list.
     */
    public Map<List<String>, List<String>> keysOf(List<Command> recorded) {
        Map<List<String>, List<String>> keys = new HashMap<>();
        try (RedisWire lookup = RedisWire.connect(port)) {
            for (Command command : recorded) {
                if (keys.containsKey(command.args()) || command.args().isEmpty()) {
                    continue;
                }
                List<String> request = new ArrayList<>(List.of("COMMAND", "GETKEYS"));
                request.addAll(command.args());
                Object reply = lookup.call(request);
                List<String> found = new ArrayList<>();
                if (reply instanceof List<?> list) {
                    list.forEach(key -> found.add((String) key));
                }
                keys.put(command.args(), found);
            }
        }
        return keys;
    }

    private void readLoop() {
        while (!stopped) {
            try {
                Object line = wire.read();
                if (line instanceof String text) {
                    Command command = parse(text);
                    if (command != null) {
                        commands.add(command);
                    }
                }
            } catch (UncheckedIOException e) {
                return;
            }
        }
    }

    /** Parses {@code 1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"} (sdscatrepr quoting). */
    static Command parse(String line) {
        int open = line.indexOf('[');
        int close = line.indexOf(']', open);
        if (open < 0 || close < 0) {
            return null;
        }
        String[] dbAndClient = line.substring(open + 1, close).split(" ", 2);
        String client = dbAndClient.length == 2 ? dbAndClient[1] : "";
        List<String> args = new ArrayList<>();
        int i = close + 1;
        while (i < line.length()) {
            if (line.charAt(i) != '"') {
                i++;
                continue;
            }
            ByteArrayOutputStream arg = new ByteArrayOutputStream();
            i++;
            while (i < line.length() && line.charAt(i) != '"') {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    char next = line.charAt(i + 1);
                    switch (next) {
                        case 'n' -> arg.write('\n');
                        case 'r' -> arg.write('\r');
                        case 't' -> arg.write('\t');
                        case 'a' -> arg.write(7);
                        case 'b' -> arg.write('\b');
                        case 'x' -> {
                            arg.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                            i += 2;
                        }
                        default -> arg.write(next);
                    }
                    i += 2;
                } else {
                    byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    arg.write(bytes, 0, bytes.length);
                    i++;
                }
            }
            i++;
            args.add(arg.toString(StandardCharsets.UTF_8));
        }
        return new Command(client, args);
    }

    @Override
    public void close() {
        stopped = true;
        wire.close();
    }
}
