package dev.cachepatterns.users;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.cache.aside.ConsistencyAudits;
import dev.cachepatterns.cache.aside.SourceInvalidations;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;

/**
 * Users on cache-aside: profiles are read far more often than written. Writes go to Postgres first, then invalidate and
 * re-warm the entry (fenced, so a racing reader cannot put the old row back); writes that bypass this service are
 * invalidated through the table's change notifications ({@link SourceInvalidations}).
 */
@ApplicationScoped
public class UserService {

    /** The {@code cache} tag of this cache's meters. */
    public static final String CACHE = "users";

    private final UserRepository repository;
    private final CacheAside<Long, User> cache;

    public UserService(
            UserRepository repository,
            CacheAsideFactory caches,
            SourceInvalidations invalidations,
            ConsistencyAudits audits,
            UsersCacheConfig config) {
        this.repository = repository;
        this.cache = caches.create(CACHE, config, User.class, repository, String::valueOf);
        if (config.enabled() && config.followSource()) {
            invalidations.follow(config.sourceChannel(), cache, Long::valueOf);
        }
        audits.audit(CACHE, cache, config, config.audit());
    }

    /** Created at start, so the change listener runs before the first request. */
    void onStart(@Observes StartupEvent event) {}

    public Uni<Optional<User>> find(long id) {
        return cache.get(id);
    }

    /** The user as JSON, straight from the cache entry on a hit (the read path of {@code GET /users/{id}}). */
    public Uni<Optional<String>> findJson(long id) {
        return cache.getJson(id);
    }

    /** The users found, in the order of {@code ids}; ids without a user are left out. */
    public Uni<List<User>> findAll(List<Long> ids) {
        return cache.getAll(ids).map(found -> orderedAsAsked(ids, found));
    }

    public Uni<User> create(UserInput input) {
        return create(input, Optional.empty(), user -> null);
    }

    /** Creates the user; with {@code key} it is recorded with the insert ({@link UserRepository#insert}). */
    public Uni<User> create(UserInput input, Optional<IdempotencyKey> key, Function<User, String> location) {
        // A new id may have been read before it existed: drop the "absent" marker.
        return repository.insert(input, key, location).call(user -> cache.evict(user.id()));
    }

    public Uni<Optional<User>> update(long id, UserInput input) {
        return repository.update(id, input).call(updated -> cache.invalidate(id));
    }

    public Uni<Boolean> delete(long id) {
        return repository.delete(id).call(deleted -> cache.evict(id));
    }

    private static List<User> orderedAsAsked(List<Long> ids, Map<Long, User> found) {
        return ids.stream().distinct().map(found::get).filter(Objects::nonNull).toList();
    }
}
