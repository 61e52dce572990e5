package dev.cachepatterns.leaderboard;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/**
 * Keeps hot boards built: every {@code cache.leaderboards.schedule-interval}, rebuilds the boards read within the hot
 * window whose TTL is running low. Non-blocking, and a run that is still going when the next is due skips the next.
 */
@ApplicationScoped
public class LeaderboardRefreshJob {

    private static final Logger LOG = Logger.getLogger(LeaderboardRefreshJob.class);

    private final LeaderboardService leaderboards;

    public LeaderboardRefreshJob(LeaderboardService leaderboards) {
        this.leaderboards = leaderboards;
    }

    @Scheduled(
            identity = "leaderboards-refresh-ahead",
            every = "${cache.leaderboards.schedule-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshHotBoards() {
        return leaderboards
                .refreshHotBoards()
                .invoke(count -> {
                    if (count > 0) {
                        LOG.debugf("refreshed %d hot leaderboards", count);
                    }
                })
                .onFailure()
                .invoke(failure -> LOG.debugf("leaderboard refresh run failed: %s", failure.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
