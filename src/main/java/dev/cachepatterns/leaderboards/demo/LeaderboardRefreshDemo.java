package dev.cachepatterns.leaderboards.demo;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.leaderboards.LeaderboardService;
import dev.cachepatterns.showcase.demo.Demo;
import dev.cachepatterns.showcase.demo.DemoInfo;
import dev.cachepatterns.showcase.demo.DemoResult;
import dev.cachepatterns.showcase.demo.MeterTotal;

/**
 * A leaderboard refresh: {@code size} score events for a handful of players on the board {@code demo}, one after the
 * other, then a rebuild of the board from Postgres (as the scheduled refresh-ahead run would do it).
 */
@ApplicationScoped
public class LeaderboardRefreshDemo implements Demo {

    private static final DemoInfo INFO = new DemoInfo(
            "leaderboard-refresh",
            "Scores and a board rebuild",
            "Score events on the board 'demo', then a rebuild from Postgres: watch the leaderboard refreshes plot"
                    + " (type demo in the board field to follow it).",
            30,
            100);

    static final String BOARD = "demo";
    private static final List<String> PLAYERS = List.of("ada", "brian", "grace", "linus", "margaret", "dennis");

    private final LeaderboardService leaderboards;
    private final MeterRegistry registry;

    public LeaderboardRefreshDemo(LeaderboardService leaderboards, MeterRegistry registry) {
        this.leaderboards = leaderboards;
        this.registry = registry;
    }

    @Override
    public DemoInfo info() {
        return INFO;
    }

    @Override
    public Uni<DemoResult> run(int size) {
        double refreshesBefore = refreshes();
        return Multi.createFrom()
                .range(0, size)
                .onItem()
                .transformToUniAndConcatenate(i -> leaderboards.submit(
                        BOARD,
                        PLAYERS.get(i % PLAYERS.size()),
                        ThreadLocalRandom.current().nextLong(1, 100)))
                .collect()
                .last()
                .flatMap(ignored -> leaderboards.rebuild(BOARD))
                .flatMap(rebuilt -> leaderboards.top(BOARD, 1).map(top -> {
                    long refreshes = (long) (refreshes() - refreshesBefore);
                    String leader = top.entries().isEmpty()
                            ? "nobody"
                            : top.entries().get(0).player() + " with "
                                    + top.entries().get(0).score();
                    return DemoResult.of(
                            size + " scores posted on board '" + BOARD + "'; rebuilt from Postgres: "
                                    + (rebuilt ? "yes" : "no (another rebuild held the lock)") + "; leader " + leader,
                            "scores",
                            size,
                            "rebuilt",
                            rebuilt ? 1 : 0,
                            "refreshes",
                            refreshes);
                }));
    }

    private double refreshes() {
        return MeterTotal.of(registry, "refresh.ahead.refreshes", "cache", LeaderboardService.CACHE);
    }
}
