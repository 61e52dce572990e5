package dev.cachepatterns.cache.refreshahead;

import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * The source of truth of rankings (the database), supplied by the service: the aggregate a rebuild swaps in, and the
 * answers for reads that cannot be served from Redis. Every call counts in {@code cache_loads_total}.
 */
public interface RankingSource {

    /**
     * Every member's total of ranking {@code id}, read in one REPEATABLE READ transaction together with its snapshot
     * ({@code pg_current_snapshot()}), so the rebuild can tell which committed increments the totals contain.
     */
    Uni<Totals> totals(String id);

    /** The first {@code n} members: highest total first, equal totals by member name (byte order). */
    Uni<List<Standing>> top(String id, int n);

    /** One member's total and rank, empty when the member has no score in the ranking. */
    Uni<Optional<Standing>> standing(String id, String member);
}
