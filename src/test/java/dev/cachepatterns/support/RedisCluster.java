package dev.cachepatterns.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

/**
 * A real Redis Cluster on loopback: six redis-server processes ({@code cluster-enabled yes}) on free ports joined by
 * {@code redis-cli --cluster create ... --cluster-replicas 1}, so three masters with one replica each. A test can kill
 * the master that owns a key, wait for its replica to take over, and start the killed node again (it rejoins as a
 * replica: its nodes.conf is kept). {@code cluster-node-timeout} is short (1 s) so a
 * failover takes seconds, not the production 15 s.
 */
public final class RedisCluster implements AutoCloseable {

    public static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);
    /** Redis aborts a manual failover that has not completed after this long (CLUSTER_MF_TIMEOUT), plus a margin. */
    private static final Duration MANUAL_FAILOVER_LIMIT = Duration.ofSeconds(6);

    private final List<RedisServer> nodes = new ArrayList<>();

    public RedisCluster start() {
        for (int i = 0; i < 6; i++) {
            nodes.add(new RedisServer(List.of(
                            "--cluster-enabled",
                            "yes",
                            "--cluster-config-file",
                            "nodes.conf",
                            "--cluster-node-timeout",
                            String.valueOf(NODE_TIMEOUT.toMillis()),
                            // Only the replica of a failed master may take over, and at once.
                            "--cluster-replica-validity-factor",
                            "0"))
                    .start());
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        String output = run(create);
        if (!output.contains("[OK] All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> nodes.stream().allMatch(node -> clusterState(node).equals("ok"))
                        && masters().size() == 3
                        && replicasInSync());
        return this;
    }

    /** Connection strings of the three nodes that are masters now (what the application gets as its seeds). */
    public List<String> seedUris() {
        return masters().stream().map(node -> node.uri()).toList();
    }

    /** Every node, for a client that should find its way whichever node dies. */
    public List<String> allUris() {
        return nodes.stream().map(RedisServer::uri).toList();
    }

    /** The slot of {@code key} as Redis computes it ({@code CLUSTER KEYSLOT}). */
    public int keySlot(String key) {
        return Integer.parseInt(cli(anyLiveNode(), "cluster", "keyslot", key).trim());
    }

    /** The live node that is master of {@code key}'s slot now. */
    public RedisServer masterOf(String key) {
        int slot = keySlot(key);
        for (String line : clusterNodes(anyLiveNode())) {
            String[] parts = line.split(" ");
            if (!parts[2].contains("master") || parts[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < parts.length; i++) {
                if (parts[i].startsWith("[")) {
                    continue; // a slot being migrated
                }
                String[] range = parts[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    return byAddress(parts[1]);
                }
            }
        }
        throw new IllegalStateException("no master owns slot " + slot);
    }

    /** Kills (SIGKILL) the master that owns {@code key} now and returns it. */
    public RedisServer killMasterOf(String key) {
        RedisServer master = masterOf(key);
        master.stop();
        return master;
    }

    /**
     * Waits until a node other than {@code killed} is master of {@code key}'s slot and the surviving nodes report the
     * cluster ok again; returns that node.
     */
    public RedisServer awaitNewMasterOf(String key, RedisServer killed, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            RedisServer master = masterOfOrNull(key);
            return master != null
                    && master != killed
                    && clusterState(anyLiveNode()).equals("ok");
        });
        return masterOf(key);
    }

    /** Whether {@code node} is a master now ({@code ROLE}). */
    public boolean isMaster(RedisServer node) {
        return cli(node, "role").startsWith("master");
    }

    /** The port of the master {@code replica} replicates, as it reports it ({@code INFO replication}). */
    public int masterPortOf(RedisServer replica) {
        return cli(replica, "info", "replication")
                .lines()
                .filter(line -> line.startsWith("master_port:"))
                .map(line ->
                        Integer.parseInt(line.substring("master_port:".length()).trim()))
                .findFirst()
                .orElse(-1);
    }

    /** Whether the live nodes have flagged {@code node} as failed ({@code fail} in CLUSTER NODES). */
    public boolean isMarkedFailed(RedisServer node) {
        return clusterNodes(anyLiveNode()).stream()
                .map(line -> line.split(" "))
                .anyMatch(parts ->
                        byAddress(parts[1]) == node && parts[2].contains("fail") && !parts[2].contains("fail?"));
    }

    /** The node id of {@code node} ({@code CLUSTER MYID}). */
    public String nodeId(RedisServer node) {
        return cli(node, "cluster", "myid").trim();
    }

    /** The live replica that replicates {@code master} now. */
    public RedisServer replicaOf(RedisServer master) {
        return findReplicaOf(master).orElseThrow(() -> new IllegalStateException("no replica of " + master.port()));
    }

    private Optional<RedisServer> findReplicaOf(RedisServer master) {
        return nodes.stream()
                .filter(node ->
                        node != master && node.answersPing() && !isMaster(node) && masterPortOf(node) == master.port())
                .findFirst();
    }

    /**
     * The master that owns {@code key}'s slot and its replica, once the nodes agree on both: right after a failover the
     * view of the node asked may still name the old master, which already answers as a replica.
     */
    public Shard shardOf(String key, Duration atMost) {
        Shard[] found = {null};
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    RedisServer master = masterOf(key);
                    Optional<RedisServer> replica = isMaster(master) ? findReplicaOf(master) : Optional.empty();
                    replica.ifPresent(r -> found[0] = new Shard(master, r));
                    return replica.isPresent();
                });
        return found[0];
    }

    /** A master and its replica. */
    public record Shard(RedisServer master, RedisServer replica) {}

    /** A master other than {@code master}. */
    public RedisServer otherMaster(RedisServer master) {
        return masters().stream().filter(node -> node != master).findFirst().orElseThrow();
    }

    /** Marks {@code slot} as moving from {@code from} to {@code to} ({@code CLUSTER SETSLOT ... IMPORTING/MIGRATING}). */
    public void beginMigration(int slot, RedisServer from, RedisServer to) {
        expectOk(cli(to, "cluster", "setslot", String.valueOf(slot), "importing", nodeId(from)));
        expectOk(cli(from, "cluster", "setslot", String.valueOf(slot), "migrating", nodeId(to)));
    }

    /** Moves every key of {@code slot} still on {@code from} to {@code to} ({@code MIGRATE}, one key at a time). */
    public void migrateKeys(int slot, RedisServer from, RedisServer to) {
        for (String key : cli(from, "cluster", "getkeysinslot", String.valueOf(slot), "1000")
                .lines()
                .filter(line -> !line.isBlank())
                .toList()) {
            String reply = cli(from, "migrate", "127.0.0.1", String.valueOf(to.port()), key, "0", "5000");
            if (!reply.trim().equals("OK") && !reply.trim().equals("NOKEY")) {
                throw new IllegalStateException("MIGRATE " + key + ": " + reply);
            }
        }
    }

    /** Gives {@code slot} to {@code to} on every master ({@code CLUSTER SETSLOT ... NODE}), the target first. */
    public void endMigration(int slot, RedisServer from, RedisServer to) {
        String id = nodeId(to);
        expectOk(cli(to, "cluster", "setslot", String.valueOf(slot), "node", id));
        expectOk(cli(from, "cluster", "setslot", String.valueOf(slot), "node", id));
        for (RedisServer other : masters()) {
            if (other != to && other != from) {
                cli(other, "cluster", "setslot", String.valueOf(slot), "node", id);
            }
        }
    }

    /** The whole migration of {@code slot} from its master to {@code to}. */
    public void migrateSlot(int slot, RedisServer to) {
        RedisServer from = masterOfSlot(slot);
        beginMigration(slot, from, to);
        migrateKeys(slot, from, to);
        endMigration(slot, from, to);
    }

    /**
     * A coordinated failover ({@code CLUSTER FAILOVER} on {@code replica}) once its replication link is up; asked again
     * when Redis gave it up (a manual failover that does not complete within its own 5-s limit is aborted silently);
     * waits until the replica is master.
     */
    public void failOverTo(RedisServer replica, Duration atMost) {
        Awaitility.await()
                .atMost(atMost)
                .until(() -> cli(replica, "info", "replication").contains("master_link_status:up"));
        long[] askedAt = {System.nanoTime()};
        expectOk(cli(replica, "cluster", "failover"));
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (isMaster(replica)) {
                return true;
            }
            if (System.nanoTime() - askedAt[0] > MANUAL_FAILOVER_LIMIT.toNanos()) {
                askedAt[0] = System.nanoTime();
                cli(replica, "cluster", "failover");
            }
            return false;
        });
    }

    /** Whether {@code replica} has applied everything its master has written (equal replication offsets). */
    public boolean replicaCaughtUp(RedisServer master, RedisServer replica) {
        return replicationOffset(master, "master_repl_offset:") == replicationOffset(replica, "slave_repl_offset:");
    }

    /** Whether every node sees {@code slot} owned by the same master and the cluster is ok. */
    public boolean agreesOn(int slot) {
        return nodes.stream()
                        .filter(RedisServer::answersPing)
                        .map(node -> ownerSeenBy(node, slot) + " " + clusterState(node))
                        .distinct()
                        .count()
                == 1;
    }

    /** The nodes that are masters now. */
    public List<RedisServer> masterNodes() {
        return masters();
    }

    /** Every node. */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** Whether {@code node} runs and answers. */
    public boolean isUp(RedisServer node) {
        return node.answersPing();
    }

    /** Runs a command on {@code node} with redis-cli and returns its raw output. */
    public String cli(RedisServer node, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(node.port())));
        command.addAll(List.of(args));
        return run(command);
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::stop);
    }

    private RedisServer masterOfSlot(int slot) {
        return byAddress(ownerSeenBy(anyLiveNode(), slot));
    }

    // The address of the master that owns slot in node's view ("?" when none).
    private String ownerSeenBy(RedisServer node, int slot) {
        for (String line : clusterNodes(node)) {
            String[] parts = line.split(" ");
            if (!parts[2].contains("master") || parts[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < parts.length; i++) {
                if (parts[i].startsWith("[")) {
                    continue;
                }
                String[] range = parts[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    return parts[1].split("@")[0];
                }
            }
        }
        return "?";
    }

    private long replicationOffset(RedisServer node, String field) {
        return cli(node, "info", "replication")
                .lines()
                .filter(line -> line.startsWith(field))
                .map(line -> Long.parseLong(line.substring(field.length()).trim()))
                .findFirst()
                .orElse(-1L);
    }

    private static void expectOk(String reply) {
        if (!reply.trim().equals("OK")) {
            throw new IllegalStateException("expected OK, got: " + reply);
        }
    }

    private RedisServer masterOfOrNull(String key) {
        try {
            return masterOf(key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<RedisServer> masters() {
        return clusterNodes(anyLiveNode()).stream()
                .map(line -> line.split(" "))
                .filter(parts -> parts[2].contains("master") && !parts[2].contains("fail") && parts.length > 8)
                .map(parts -> byAddress(parts[1]))
                .toList();
    }

    private boolean replicasInSync() {
        return nodes.stream()
                .filter(node -> cli(node, "role").startsWith("slave"))
                .allMatch(node -> cli(node, "info", "replication").contains("master_link_status:up"));
    }

    private RedisServer byAddress(String address) {
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1).split("[@,]")[0]);
        return nodes.stream()
                .filter(node -> node.port() == port)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown node " + address));
    }

    private RedisServer anyLiveNode() {
        Optional<RedisServer> live =
                nodes.stream().filter(RedisServer::answersPing).findFirst();
        return live.orElseThrow(() -> new IllegalStateException("no cluster node answers"));
    }

    private List<String> clusterNodes(RedisServer node) {
        return cli(node, "cluster", "nodes")
                .lines()
                .filter(line -> !line.isBlank())
                .collect(Collectors.toList());
    }

    private String clusterState(RedisServer node) {
        return cli(node, "cluster", "info")
                .lines()
                .filter(line -> line.startsWith("cluster_state:"))
                .map(line -> line.substring("cluster_state:".length()).trim())
                .findFirst()
                .orElse("unknown");
    }

    private static String run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
