package dev.cachepatterns.posts;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        // The slug may have been read before it existed: drop the "absent" marker.
        return repository.insert(input).call(post -> cache.evict(post.slug()));
    }

    /** Counts one view or like; fails with a 404 problem for an unknown post and 503 when the backlog is full. */
    public Uni<Engagement> increment(String slug, String field) {
        if (config.mode() == PostsWriteBehindConfig.Mode.SYNCHRONOUS) {
            return repository.incrementNow(slug, field).map(found -> found.orElseThrow(() -> notFound(slug)));
        }
        return cache.get(slug)
                .map(found -> found.orElseThrow(() -> notFound(slug)))
                .flatMap(post -> engagement
                        .increment(slug, field, 1)
                        .onFailure(WriteBehindRejectedException.class)
                        .transform(PostService::backlogFull)
                        .flatMap(accepted -> accepted.queued()
                                ? Uni.createFrom().item(engagementOf(withPending(post, accepted.pending())))
                                : repository.load(slug).map(fresh -> engagementOf(fresh.orElse(post)))));
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
