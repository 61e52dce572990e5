package dev.cachepatterns.users;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;
import dev.cachepatterns.platform.idempotency.IdempotencyLedger;

/**
 * Users in Postgres, through the reactive client, each call within the source deadline ({@link SourcePool}); writes
 * in a transaction, so one abandoned at its deadline is rolled back. Also the loader of the users cache.
 */
@ApplicationScoped
public class UserRepository implements Loader<Long, User> {

    private final SourcePool source;
    private final IdempotencyLedger keys;

    public UserRepository(SourcePool source, IdempotencyLedger keys) {
        this.source = source;
        this.keys = keys;
    }

    @Override
    public Uni<Optional<User>> load(Long id) {
        return source.withConnection(c -> c.preparedQuery("SELECT id, name, email, avatar_url FROM users WHERE id = $1")
                        .execute(Tuple.of(id)))
                .map(UserRepository::first);
    }

    @Override
    public Uni<Map<Long, User>> loadAll(List<Long> ids) {
        return source.withConnection(
                        c -> c.preparedQuery("SELECT id, name, email, avatar_url FROM users WHERE id = ANY($1)")
                                .execute(Tuple.of(ids.toArray(Long[]::new))))
                .map(rows -> {
                    Map<Long, User> found = new HashMap<>();
                    for (Row row : rows) {
                        User user = toUser(row);
                        found.put(user.id(), user);
                    }
                    return found;
                });
    }

    public Uni<User> insert(UserInput input) {
        return insert(input, Optional.empty(), user -> null);
    }

    /**
     * Inserts the user. With {@code key}, claims it first and records the answer (201, its {@code Location}, the user)
     * in the same transaction ({@link IdempotencyLedger}); a key already applied fails with its recorded outcome, so a
     * retry never creates a second user.
     */
    public Uni<User> insert(UserInput input, Optional<IdempotencyKey> key, Function<User, String> location) {
        return source.inTransaction(c -> (key.isEmpty() ? Uni.createFrom().voidItem() : keys.claim(c, key.get()))
                .flatMap(claimed -> c.preparedQuery(
                                "INSERT INTO users (name, email, avatar_url) VALUES ($1, $2, $3) RETURNING id, name, email, avatar_url")
                        .execute(Tuple.of(input.name(), input.email(), input.avatarUrl())))
                .map(rows -> toUser(rows.iterator().next()))
                .call(user -> key.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : keys.record(c, key.get(), 201, Map.of("Location", location.apply(user)), user)));
    }

    public Uni<Optional<User>> update(long id, UserInput input) {
        return source.inTransaction(c -> c.preparedQuery(
                                "UPDATE users SET name = $2, email = $3, avatar_url = $4, updated_at = now()"
                                        + " WHERE id = $1 RETURNING id, name, email, avatar_url")
                        .execute(Tuple.of(id, input.name(), input.email(), input.avatarUrl())))
                .map(UserRepository::first);
    }

    public Uni<Boolean> delete(long id) {
        return source.inTransaction(
                        c -> c.preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(id)))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Optional<User> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toUser(iterator.next())) : Optional.empty();
    }

    private static User toUser(Row row) {
        return new User(row.getLong("id"), row.getString("name"), row.getString("email"), row.getString("avatar_url"));
    }
}
