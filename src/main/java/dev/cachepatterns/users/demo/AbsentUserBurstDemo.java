package dev.cachepatterns.users.demo;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.showcase.demo.Demo;
import dev.cachepatterns.showcase.demo.DemoInfo;
import dev.cachepatterns.showcase.demo.DemoResult;
import dev.cachepatterns.showcase.demo.MeterTotal;
import dev.cachepatterns.users.User;
import dev.cachepatterns.users.UserService;

/**
 * Negative caching: reads of a user id that does not exist, in two waves. The first wave's concurrent reads share one
 * database load, which caches an "absent" marker; the second wave is answered by that marker without Postgres.
 */
@ApplicationScoped
public class AbsentUserBurstDemo implements Demo {

    private static final DemoInfo INFO = new DemoInfo(
            "absent-burst",
            "Burst of reads for a missing user",
            "Two waves of reads of a user id that does not exist: one database load, then the absent marker"
                    + " answers (the absent reads on the users plot).",
            200,
            500);

    // Far above any id the sequence hands out, so the id is absent and was never read before.
    private static final long FIRST_ABSENT_ID = 900_000_000_000_000_000L;

    private final UserService users;
    private final MeterRegistry registry;

    public AbsentUserBurstDemo(UserService users, MeterRegistry registry) {
        this.users = users;
        this.registry = registry;
    }

    @Override
    public DemoInfo info() {
        return INFO;
    }

    @Override
    public Uni<DemoResult> run(int size) {
        long id = FIRST_ABSENT_ID + ThreadLocalRandom.current().nextLong(1, 1_000_000_000_000L);
        double loadsBefore = total("cache.loads");
        double absentBefore = total("cache.gets", "result", "negative_hit");
        int firstWave = (size + 1) / 2;
        return wave(id, firstWave)
                .flatMap(ignored -> wave(id, size - firstWave))
                .map(ignored -> {
                    long loads = (long) (total("cache.loads") - loadsBefore);
                    long absentHits = (long) (total("cache.gets", "result", "negative_hit") - absentBefore);
                    return DemoResult.of(
                            size + " reads of missing user " + id + ": " + loads + " database load(s), " + absentHits
                                    + " answered by the absent marker",
                            "reads",
                            size,
                            "databaseLoads",
                            loads,
                            "absentHits",
                            absentHits);
                });
    }

    private Uni<List<Optional<User>>> wave(long id, int reads) {
        if (reads == 0) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join()
                .all(IntStream.range(0, reads).mapToObj(i -> users.find(id)).toList())
                .andCollectFailures();
    }

    private double total(String name, String... tags) {
        String[] all = new String[tags.length + 2];
        all[0] = "cache";
        all[1] = UserService.CACHE;
        System.arraycopy(tags, 0, all, 2, tags.length);
        return MeterTotal.of(registry, name, all);
    }
}
