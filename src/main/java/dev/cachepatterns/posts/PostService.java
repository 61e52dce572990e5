package dev.cachepatterns.posts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.cache.writebehind.CachedCopies;
import dev.cachepatterns.cache.writebehind.WriteBehind;
import dev.cachepatterns.cache.writebehind.WriteBehindFactory;
import dev.cachepatterns.cache.writebehind.WriteBehindRejectedException;
import dev.cachepatterns.platform.ProblemException;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;

/**
 * Posts: the post itself on cache-aside (read often, never edited here), views and likes on write-behind (written far
 * more often than a row should be updated). A read adds the accepted but unflushed increments to the cached counts.
 * Created at start, so the write-behind flusher runs from the start too (a backlog left by a previous run is flushed).
 */
@Startup
@ApplicationScoped
public class PostService {

    private final PostRepository repository;
    private final CacheAside<String, Post> cache;
    private final WriteBehind engagement;
    private final PostsWriteBehindConfig config;

    public PostService(
            PostRepository repository,
            CacheAsideFactory caches,
            PostsCacheConfig cacheConfig,
            WriteBehindFactory writeBehinds,
            PostsWriteBehindConfig config) {
        this.repository = repository;
        this.config = config;
        this.cache = caches.create("posts", cacheConfig, Post.class, repository, slug -> slug);
        // The cached post holds the flushed counts, so the flush drops it in the same step that empties pending, then
        // loads the flushed posts again in one bulk read: views of a hot post keep hitting the cache.
        this.engagement = writeBehinds.create(
                "posts",
                config,
                List.of(PostRepository.VIEWS, PostRepository.LIKES),
                repository,
                CachedCopies.of(cache));
    }

    /** The post with its counts including unflushed increments (Postgres counts alone when Redis is down). */
    public Uni<Optional<Post>> find(String slug) {
        return Uni.combine()
                .all()
                .unis(cache.get(slug), engagement.pending(slug))
                .asTuple()
                .map(both -> both.getItem1().map(post -> withPending(post, both.getItem2())));
    }

    public Uni<Post> create(PostInput input) {
        return create(input, Optional.empty(), post -> null);
    }

    /**
     * Creates the post; with {@code key} the key and the answer ({@code 201}, {@code location}, the post) are recorded
     * in the insert's transaction, so a retry Redis forgot fails with the recorded outcome instead of a 409.
     */
    public Uni<Post> create(PostInput input, Optional<IdempotencyKey> key, Function<Post, String> location) {
        // The slug may have been read before it existed: drop the "absent" marker.
        return repository.insert(input, key, location).call(post -> cache.evict(post.slug()));
    }

    /** Counts one view or like; fails with a 404 problem for an unknown post and 503 when the backlog is full. */
    public Uni<Engagement> increment(String slug, String field) {
        return increment(slug, field, Optional.empty());
    }

    /**
     * Whether a view or like is applied through the write-behind ledger, which applies one accept id once: true in
     * write-behind mode (the synchronous fallback records the id too), false in the synchronous baseline mode.
     */
    public boolean incrementsLedgered() {
        return config.mode() == PostsWriteBehindConfig.Mode.WRITE_BEHIND;
    }

    /**
     * As {@link #increment(String, String)}; with {@code key} the increment's accept id is the key's UUID, so the
     * write-behind ledger applies a retried view once even when its stored outcome was lost. (The synchronous baseline
     * mode has no ledger: there only the stored outcome guards a retry, see {@link #incrementsLedgered}.)
     */
    public Uni<Engagement> increment(String slug, String field, Optional<IdempotencyKey> key) {
        if (config.mode() == PostsWriteBehindConfig.Mode.SYNCHRONOUS) {
            return repository.incrementNow(slug, field).map(found -> found.orElseThrow(() -> notFound(slug)));
        }
        return cache.get(slug)
                .map(found -> found.orElseThrow(() -> notFound(slug)))
                .flatMap(post -> engagement
                        .increment(slug, field, 1, acceptId(key))
                        .onFailure(WriteBehindRejectedException.class)
                        .transform(PostService::backlogFull)
                        .flatMap(accepted -> accepted.queued()
                                ? Uni.createFrom().item(engagementOf(withPending(post, accepted.pending())))
                                : repository.load(slug).map(fresh -> engagementOf(fresh.orElse(post)))));
    }

    private static UUID acceptId(Optional<IdempotencyKey> key) {
        if (key.isPresent()) {
            return key.get().uuid();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong());
    }

    private static Post withPending(Post post, Map<String, Long> pending) {
        return post.plus(
                pending.getOrDefault(PostRepository.VIEWS, 0L), pending.getOrDefault(PostRepository.LIKES, 0L));
    }

    private static Engagement engagementOf(Post post) {
        return new Engagement(post.slug(), post.views(), post.likes());
    }

    private static ProblemException notFound(String slug) {
        return ProblemException.notFound("No post with slug '" + slug + "'");
    }

    private static Throwable backlogFull(Throwable failure) {
        WriteBehindRejectedException rejected = (WriteBehindRejectedException) failure;
        int seconds = (int) Math.max(1, rejected.retryAfter().toSeconds());
        return ProblemException.unavailable(rejected.getMessage(), seconds);
    }
}
