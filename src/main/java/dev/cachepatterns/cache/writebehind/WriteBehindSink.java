package dev.cachepatterns.cache.writebehind;

import java.util.Map;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Applies coalesced increments to the source of truth, inside the write-behind component's transaction. */
@FunctionalInterface
public interface WriteBehindSink {

    /**
     * Adds {@code deltas} (entity → field → sum of the increments) to the stored counters, using {@code transaction}
     * only. Entities that no longer exist are skipped. A failure rolls the whole batch back.
     */
    Uni<Void> apply(SqlConnection transaction, Map<String, Map<String, Long>> deltas);
}
