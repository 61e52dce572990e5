package dev.cachepatterns.users.demo;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.showcase.demo.Demo;
import dev.cachepatterns.showcase.demo.DemoInfo;
import dev.cachepatterns.showcase.demo.DemoResult;
import dev.cachepatterns.showcase.demo.MeterTotal;
import dev.cachepatterns.users.User;
import dev.cachepatterns.users.UserInput;
import dev.cachepatterns.users.UserRepository;
import dev.cachepatterns.users.UserService;

/**
 * A stampede: a user is written to Postgres behind the cache's back (so its key is cold), then {@code size} reads of it
 * start at once. Single flight and the Redis lock turn them into one database load; the user is deleted afterwards.
 */
@ApplicationScoped
public class UserStampedeDemo implements Demo {

    private static final DemoInfo INFO = new DemoInfo(
            "stampede",
            "Stampede on a cold user",
            "Concurrent reads of one user that is not cached yet: watch the users reads jump and the database loads"
                    + " stay at one.",
            200,
            500);

    private final UserRepository repository;
    private final UserService users;
    private final MeterRegistry registry;

    public UserStampedeDemo(UserRepository repository, UserService users, MeterRegistry registry) {
        this.repository = repository;
        this.users = users;
        this.registry = registry;
    }

    @Override
    public DemoInfo info() {
        return INFO;
    }

    @Override
    public Uni<DemoResult> run(int size) {
        double loadsBefore = loads();
        return repository
                .insert(new UserInput("Stampede demo", "stampede@demo.invalid", null))
                .flatMap(user -> {
                    List<Uni<Optional<User>>> reads = IntStream.range(0, size)
                            .mapToObj(i -> users.find(user.id()))
                            .toList();
                    return Uni.join()
                            .all(reads)
                            .andCollectFailures()
                            .map(found ->
                                    found.stream().filter(Optional::isPresent).count())
                            .call(() -> users.delete(user.id()))
                            .map(answered -> result(size, answered, loads() - loadsBefore));
                });
    }

    private static DemoResult result(int size, long answered, double loads) {
        return DemoResult.of(
                size + " concurrent reads of a cold user: " + answered + " answered, " + (long) loads
                        + " database load(s)",
                "reads",
                size,
                "answered",
                answered,
                "databaseLoads",
                (long) loads);
    }

    private double loads() {
        return MeterTotal.of(registry, "cache.loads", "cache", UserService.CACHE);
    }
}
