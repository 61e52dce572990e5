package dev.cachepatterns.posts.demo;

import java.time.Duration;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.posts.Post;
import dev.cachepatterns.posts.PostInput;
import dev.cachepatterns.posts.PostRepository;
import dev.cachepatterns.posts.PostService;
import dev.cachepatterns.showcase.demo.Demo;
import dev.cachepatterns.showcase.demo.DemoInfo;
import dev.cachepatterns.showcase.demo.DemoResult;

/**
 * A write-behind burst: {@code size} views of one demo post, 32 in flight at a time, each acknowledged once Redis holds
 * it; then the demo watches Postgres (every 200 ms, for at most 15 s) until the flusher has applied them all.
 */
@ApplicationScoped
public class WriteBehindBurstDemo implements Demo {

    private static final DemoInfo INFO = new DemoInfo(
            "write-behind-burst",
            "Burst of views (write-behind)",
            "Views of one post acknowledged from Redis: watch the posts backlog rise, then drain as the flusher"
                    + " writes them to Postgres in batches.",
            1000,
            2000);

    static final String SLUG = "demo-write-behind";
    private static final int IN_FLIGHT = 32;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(15);

    private final PostService posts;
    private final PostRepository repository;

    public WriteBehindBurstDemo(PostService posts, PostRepository repository) {
        this.posts = posts;
        this.repository = repository;
    }

    @Override
    public DemoInfo info() {
        return INFO;
    }

    @Override
    public Uni<DemoResult> run(int size) {
        return demoPost().flatMap(before -> {
            long start = System.nanoTime();
            return Multi.createFrom()
                    .range(0, size)
                    .onItem()
                    .transformToUni(i -> posts.increment(SLUG, PostRepository.VIEWS)
                            .map(accepted -> 1)
                            .onFailure()
                            .recoverWithItem(0))
                    .merge(IN_FLIGHT)
                    .collect()
                    .with(Collectors.summingInt(Integer::intValue))
                    .flatMap(accepted -> {
                        long acceptMillis =
                                Duration.ofNanos(System.nanoTime() - start).toMillis();
                        long target = before.views() + accepted;
                        return flushedViews(target, System.nanoTime() + DRAIN_LIMIT.toNanos())
                                .map(inPostgres -> {
                                    long drainMillis = Duration.ofNanos(System.nanoTime() - start)
                                            .toMillis();
                                    long flushed = inPostgres - before.views();
                                    return DemoResult.of(
                                            accepted + " of " + size + " views accepted in " + acceptMillis + " ms; "
                                                    + flushed + " in Postgres after " + drainMillis + " ms",
                                            "sent",
                                            size,
                                            "accepted",
                                            accepted,
                                            "acceptMillis",
                                            acceptMillis,
                                            "flushed",
                                            flushed,
                                            "drainMillis",
                                            drainMillis);
                                });
                    });
        });
    }

    private Uni<Post> demoPost() {
        return repository
                .load(SLUG)
                .flatMap(found -> found.map(post -> Uni.createFrom().item(post))
                        .orElseGet(() -> posts.create(
                                new PostInput(SLUG, "Write-behind demo", "Counted by the page's demo button.", 1L))));
    }

    // The views Postgres holds once it reaches target, or at the deadline.
    private Uni<Long> flushedViews(long target, long deadlineNanos) {
        return repository
                .load(SLUG)
                .map(found -> found.map(Post::views).orElse(0L))
                .flatMap(views -> {
                    if (views >= target || System.nanoTime() > deadlineNanos) {
                        return Uni.createFrom().item(views);
                    }
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(POLL)
                            .flatMap(ignored -> flushedViews(target, deadlineNanos));
                });
    }
}
