package dev.cachepatterns.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A Redis Sentinel deployment on loopback: one primary, one replica and three sentinels (quorum 2) on free ports, all
 * real {@code redis-server} processes. Failure detection is fast ({@code down-after-milliseconds}) so a test can kill
 * the primary and watch a fail-over within seconds.
 */
public final class RedisSentinelSetup implements AutoCloseable {

    public static final String MASTER_NAME = "cachepatterns";
    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;

    private final long downAfterMillis;
    private final long failoverTimeoutMillis;
    private final RedisServer primary;
    private final RedisServer replica;
    private final List<Sentinel> sentinels = new ArrayList<>();

    public RedisSentinelSetup(Duration downAfter, Duration failoverTimeout) {
        this.downAfterMillis = downAfter.toMillis();
        this.failoverTimeoutMillis = failoverTimeout.toMillis();
        this.primary = new RedisServer(List.of());
        this.replica = new RedisServer(List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port())));
    }

    /** Starts the nodes and returns once the replica is in sync and every sentinel knows the replica and its peers. */
    public RedisSentinelSetup start() {
        primary.start();
        replica.start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> cli(replica.port(), "INFO", "replication").contains("master_link_status:up"));
        for (int i = 0; i < SENTINELS; i++) {
            sentinels.add(new Sentinel(RedisServer.freePort()).start());
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> sentinels.stream()
                        .map(s -> masterState(s.port))
                        .allMatch(state -> "1".equals(state.get("num-slaves"))
                                && String.valueOf(SENTINELS - 1).equals(state.get("num-other-sentinels"))));
        return this;
    }

    /** The sentinel endpoints, as {@code quarkus.redis.hosts} takes them. */
    public String sentinelHosts() {
        return String.join(
                ",", sentinels.stream().map(s -> "redis://127.0.0.1:" + s.port).toList());
    }

    public RedisServer primary() {
        return primary;
    }

    public RedisServer replica() {
        return replica;
    }

    /** The port of the node the sentinels currently name as primary (asked of every sentinel: all must agree). */
    public int primaryPortByConsensus() {
        List<Integer> answers = sentinels.stream()
                .map(s -> cli(s.port, "SENTINEL", "get-master-addr-by-name", MASTER_NAME)
                        .lines()
                        .toList())
                .map(lines -> lines.size() == 2 ? Integer.parseInt(lines.get(1).trim()) : -1)
                .distinct()
                .toList();
        return answers.size() == 1 ? answers.get(0) : -1;
    }

    /** Kills the primary process at once (SIGKILL): no shutdown, no goodbye to clients or replicas. */
    public void killPrimary() {
        primary.stop();
    }

    /** Waits until every sentinel names the replica as primary and the replica itself reports the master role. */
    public void awaitReplicaPromoted(Duration atMost) {
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> primaryPortByConsensus() == replica.port()
                        && cli(replica.port(), "ROLE").startsWith("master"));
    }

    /** Runs one command with redis-cli and returns its raw output (one line per reply element). */
    public static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Map<String, String> masterState(int sentinelPort) {
        List<String> lines =
                cli(sentinelPort, "SENTINEL", "master", MASTER_NAME).lines().toList();
        Map<String, String> state = new HashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            state.put(lines.get(i).trim(), lines.get(i + 1).trim());
        }
        return state;
    }

    @Override
    public void close() {
        sentinels.forEach(Sentinel::stop);
        replica.stop();
        primary.stop();
    }

    /** One redis-sentinel (redis-server in sentinel mode) with its own config file, which sentinel rewrites. */
    private final class Sentinel {

        private final int port;
        private Process process;

        Sentinel(int port) {
            this.port = port;
        }

        Sentinel start() {
            try {
                Path dir = Files.createTempDirectory("sentinel-" + port);
                Path config = dir.resolve("sentinel.conf");
                Files.writeString(
                        config,
                        String.join(
                                "\n",
                                "port " + port,
                                "bind 127.0.0.1",
                                "dir " + dir,
                                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primary.port() + " " + QUORUM,
                                "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfterMillis,
                                "sentinel failover-timeout " + MASTER_NAME + " " + failoverTimeoutMillis,
                                "sentinel parallel-syncs " + MASTER_NAME + " 1",
                                ""));
                process = new ProcessBuilder("redis-server", config.toString(), "--sentinel")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("sentinel.log").toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start redis-server --sentinel", e);
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> cli(port, "PING").startsWith("PONG"));
            return this;
        }

        void stop() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
