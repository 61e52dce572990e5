package dev.cachepatterns.platform;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.cachepatterns.inventory.InventoryItem;
import dev.cachepatterns.leaderboard.Leaderboard;
import dev.cachepatterns.leaderboard.LeaderboardEntry;
import dev.cachepatterns.leaderboard.PlayerScore;
import dev.cachepatterns.posts.Post;
import dev.cachepatterns.users.User;

/**
 * Types that Jackson reads or writes outside a REST method signature, registered for reflection so a native image
 * (de)serializes them too. Quarkus registers the types of resource methods by itself; values cached as JSON by
 * {@code cache/JsonCodec} and bodies written by exception mappers are not seen that way. A new cached record type goes
 * here (or gets {@code @RegisterForReflection} itself); the native integration tests catch one that is missing.
 */
@RegisterForReflection(
        targets = {
            User.class,
            InventoryItem.class,
            Post.class,
            Leaderboard.class,
            LeaderboardEntry.class,
            PlayerScore.class,
            DashboardStats.class,
            DashboardStats.CacheStats.class,
            DashboardStats.WriteBehindStats.class,
            Problem.class,
            Problem.Violation.class
        })
public final class NativeReflection {

    private NativeReflection() {}
}
