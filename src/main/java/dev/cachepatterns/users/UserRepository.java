package dev.cachepatterns.users;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.SourcePool;

/**
 * Users in Postgres, through the reactive client, each call within the source deadline ({@link SourcePool}); writes
 * in a transaction, so one abandoned at its deadline is rolled back. Also the loader of the users cache.
 */
@ApplicationScoped
public class UserRepository implements Loader<Long, User> {

    private final SourcePool source;

    public UserRepository(SourcePool source) {
        this.source = source;
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
        return source.inTransaction(c -> c.preparedQuery(
                                "INSERT INTO users (name, email, avatar_url) VALUES ($1, $2, $3) RETURNING id, name, email, avatar_url")
                        .execute(Tuple.of(input.name(), input.email(), input.avatarUrl())))
                .map(rows -> toUser(rows.iterator().next()));
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
