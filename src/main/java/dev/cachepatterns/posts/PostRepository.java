package dev.cachepatterns.posts;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.cache.writebehind.WriteBehindSink;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;
import dev.cachepatterns.platform.idempotency.IdempotencyLedger;

/**
 * Posts in Postgres, each call within the source deadline ({@link SourcePool}). Loader of the posts cache and sink of
 * the views/likes write-behind.
 */
@ApplicationScoped
public class PostRepository implements Loader<String, Post>, WriteBehindSink {

    public static final String VIEWS = "views";
    static final String LIKES = "likes";
    private static final String COLUMNS = "slug, title, body, author_id, views, likes, published_at";

    private final SourcePool source;
    private final IdempotencyLedger keys;

    public PostRepository(SourcePool source, IdempotencyLedger keys) {
        this.source = source;
        this.keys = keys;
    }

    @Override
    public Uni<Optional<Post>> load(String slug) {
        return source.withConnection(c -> c.preparedQuery("SELECT " + COLUMNS + " FROM posts WHERE slug = $1")
                        .execute(Tuple.of(slug)))
                .map(PostRepository::first);
    }

    @Override
    public Uni<Map<String, Post>> loadAll(List<String> slugs) {
        return source.withConnection(c -> c.preparedQuery("SELECT " + COLUMNS + " FROM posts WHERE slug = ANY($1)")
                        .execute(Tuple.of(slugs.toArray(String[]::new))))
                .map(rows -> {
                    Map<String, Post> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("slug"), toPost(row)));
                    return found;
                });
    }

    public Uni<Post> insert(PostInput input) {
        return insert(input, Optional.empty(), post -> null);
    }

    /**
     * Inserts the post. With {@code key}, claims it first and records the answer (201, its {@code Location}, the post)
     * in the same transaction ({@link IdempotencyLedger}); a key already applied fails with its recorded outcome.
     */
    public Uni<Post> insert(PostInput input, Optional<IdempotencyKey> key, Function<Post, String> location) {
        return source.inTransaction(c -> (key.isEmpty() ? Uni.createFrom().voidItem() : keys.claim(c, key.get()))
                .flatMap(claimed -> c.preparedQuery(
                                "INSERT INTO posts (slug, title, body, author_id) VALUES ($1, $2, $3, $4) RETURNING "
                                        + COLUMNS)
                        .execute(Tuple.of(input.slug(), input.title(), input.body(), input.authorId())))
                .map(rows -> toPost(rows.iterator().next()))
                .call(post -> key.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : keys.record(c, key.get(), 201, Map.of("Location", location.apply(post)), post)));
    }

    /** The synchronous baseline: one autocommitted UPDATE per view or like. */
    public Uni<Optional<Engagement>> incrementNow(String slug, String field) {
        String column = VIEWS.equals(field) ? VIEWS : LIKES;
        return source.inTransaction(c -> c.preparedQuery("UPDATE posts SET " + column + " = " + column
                                + " + 1 WHERE slug = $1 RETURNING slug, views, likes")
                        .execute(Tuple.of(slug)))
                .map(rows -> {
                    var iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = iterator.next();
                    return Optional.of(
                            new Engagement(row.getString("slug"), row.getLong("views"), row.getLong("likes")));
                });
    }

    /** Adds the coalesced deltas of a flush in one statement; slugs without a post are skipped. */
    @Override
    public Uni<Void> apply(SqlConnection transaction, Map<String, Map<String, Long>> deltas) {
        String[] slugs = new String[deltas.size()];
        Long[] views = new Long[deltas.size()];
        Long[] likes = new Long[deltas.size()];
        int i = 0;
        for (Map.Entry<String, Map<String, Long>> entry : deltas.entrySet()) {
            slugs[i] = entry.getKey();
            views[i] = entry.getValue().getOrDefault(VIEWS, 0L);
            likes[i] = entry.getValue().getOrDefault(LIKES, 0L);
            i++;
        }
        return transaction
                .preparedQuery("UPDATE posts AS p SET views = p.views + d.views, likes = p.likes + d.likes"
                        + " FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS d(slug, views, likes)"
                        + " WHERE p.slug = d.slug")
                .execute(Tuple.of(slugs, views, likes))
                .replaceWithVoid();
    }

    private static Optional<Post> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toPost(iterator.next())) : Optional.empty();
    }

    private static Post toPost(Row row) {
        OffsetDateTime published = row.getOffsetDateTime("published_at");
        return new Post(
                row.getString("slug"),
                row.getString("title"),
                row.getString("body"),
                row.getLong("author_id"),
                row.getLong("views"),
                row.getLong("likes"),
                published.toInstant());
    }
}
