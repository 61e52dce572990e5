package dev.cachepatterns.cache.aside;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.EntryFormat;

/** What the auditor needs of one cache: its recent ids, its keys, raw entries, the source, its format and a repair. */
record AuditView<K, V>(
        RecentIds<K> recent,
        Function<K, String> key,
        Function<List<String>, Uni<Map<String, String>>> entries,
        Function<List<K>, Uni<Map<K, V>>> source,
        EntryFormat<V> format,
        DropIfStill drop) {

    /** Deletes {@code key} only if it still holds {@code raw}, so a value filled since the comparison stays. */
    interface DropIfStill {
        Uni<Boolean> apply(String key, String raw);
    }
}
