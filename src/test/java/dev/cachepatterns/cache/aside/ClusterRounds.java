package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * Rounds of one write and the reads around it, on instances of one cache with a near tier: in each round every reader
 * sends reads of a row, the writer renames the row (version n) and invalidates its entry until Redis took the
 * invalidation (the write is acknowledged), the reads sent before are awaited, and then every reader reads the row again,
 * one read at a time. An answer older than version n after the acknowledgement is counted as old, by where it came from:
 * the near tier (its near-hit counter moved during that read) or Redis and the source.
 */
final class ClusterRounds {

    /** What the rounds saw. */
    record Tally(
            int rounds,
            int retriedWrites,
            long readsAfterAck,
            long answeredByNear,
            long oldFromNear,
            long oldFromRedis) {

        String summary() {
            return String.format(
                    "%d rounds (%d writes retried until acknowledged), %d reads after an acknowledged write (%d answered"
                            + " by the near tier), old values: %d from the near tier, %d from Redis",
                    rounds, retriedWrites, readsAfterAck, answeredByNear, oldFromNear, oldFromRedis);
        }
    }

    private static final int READS_IN_FLIGHT = 4;
    private static final int READS_AFTER = 2;

    private final NearInstance writer;
    private final List<NearInstance> readers;
    private final List<Long> ids;
    private final List<String> old = new ArrayList<>();
    private int rounds;
    private int retriedWrites;
    private long readsAfterAck;
    private long answeredByNear;
    private long oldFromNear;
    private long oldFromRedis;

    ClusterRounds(NearInstance writer, List<NearInstance> readers, List<Long> ids) {
        this.writer = writer;
        this.readers = readers;
        this.ids = ids;
    }

    /** One round on the next row. */
    void round() {
        rounds++;
        long id = ids.get(rounds % ids.size());
        long version = rounds;
        List<CompletableFuture<Optional<TestRow>>> sentBefore = new ArrayList<>();
        for (NearInstance reader : readers) {
            for (int i = 0; i < READS_IN_FLIGHT; i++) {
                sentBefore.add(reader.cache().get(id).subscribeAsCompletionStage());
            }
        }
        writer.rows().rename(id, "v" + version);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    boolean acknowledged = writer.invalidate(id);
                    retriedWrites += acknowledged ? 0 : 1;
                    return acknowledged;
                });
        sentBefore.forEach(ClusterRounds::join);
        for (int pass = 0; pass < READS_AFTER; pass++) {
            for (NearInstance reader : readers) {
                readAfterAck(reader, id, version);
            }
        }
    }

    Tally tally() {
        return new Tally(rounds, retriedWrites, readsAfterAck, answeredByNear, oldFromNear, oldFromRedis);
    }

    /** The old answers seen, for a failure message. */
    List<String> oldAnswers() {
        return List.copyOf(old);
    }

    private void readAfterAck(NearInstance reader, long id, long version) {
        double nearHits = reader.nearHits();
        TestRow row = reader.get(id).orElseThrow();
        boolean byNear = reader.nearHits() > nearHits;
        readsAfterAck++;
        answeredByNear += byNear ? 1 : 0;
        long seen = NearInstance.version(row.name());
        if (seen < version) {
            if (byNear) {
                oldFromNear++;
            } else {
                oldFromRedis++;
            }
            old.add(String.format(
                    "round %d: %s read v%d of row %d after v%d was acknowledged (%s)",
                    rounds, reader.name(), seen, id, version, byNear ? "near tier" : "Redis"));
        }
    }

    private static void join(CompletableFuture<Optional<TestRow>> read) {
        try {
            read.get(NearInstance.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("a read sent before the write failed", e);
        }
    }
}
