package dev.cachepatterns.users;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;

/**
 * Users on cache-aside: profiles are read far more often than written, and a profile that is stale for at most one
 * TTL after a racing write is acceptable. Writes go to Postgres first, then invalidate and re-warm the entry.
 */
@ApplicationScoped
public class UserService {

    /** The {@code cache} tag of this cache's meters. */
    static final String CACHE = "users";

    private final UserRepository repository;
    private final CacheAside<Long, User> cache;

    public UserService(UserRepository repository, CacheAsideFactory caches, UsersCacheConfig config) {
        this.repository = repository;
        this.cache = caches.create(CACHE, config, User.class, repository, String::valueOf);
    }

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
        // A new id may have been read before it existed: drop the "absent" marker.
        return repository.insert(input).call(user -> cache.evict(user.id()));
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
