package dev.cachepatterns.cache.writebehind;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;

import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisInfo;

/**
 * Reads {@code maxmemory_policy} and {@code aof_enabled} from INFO (which works where CONFIG is disabled, e.g. on
 * managed Redis). While Redis does not answer, the last answer is returned: it still describes the server.
 */
final class DurabilityProbe {

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private volatile Durability last;

    DurabilityProbe(ReactiveRedisDataSource redis, RedisGuard guard) {
        this.redis = redis;
        this.guard = guard;
    }

    Uni<Durability> durability() {
        return guard.call(() -> redis.execute(Command.INFO, "memory"))
                .flatMap(memory -> guard.call(() -> redis.execute(Command.INFO, "persistence"))
                        .map(persistence -> {
                            RedisInfo info =
                                    RedisInfo.parse(memory.toString()).over(RedisInfo.parse(persistence.toString()));
                            String policy = info.text("maxmemory_policy").orElse("unknown");
                            boolean aof = "1".equals(info.text("aof_enabled").orElse("0"));
                            return new Durability(policy, !policy.startsWith("allkeys"), aof);
                        }))
                .invoke(durability -> last = durability)
                .onFailure()
                .recoverWithUni(failure -> last == null
                        ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().item(last));
    }
}
