package dev.cachepatterns.cache.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.cachepatterns.cache.Internal;

/**
 * Commands over several unrelated keys (bulk reads, pipelined fills) that stay correct on a Redis Cluster. Against one
 * Redis (standalone, Sentinel) they are one MGET and one pipeline. On a Cluster the keys are grouped by hash slot and
 * every group is sent at once to the master that owns it:
 *
 * <ul>
 *   <li>the Vert.x cluster client refuses a pipeline whose keys span slots (CROSSSLOT);
 *   <li>it does split an MGET over slots, but joins the replies in an order of its own, not the order of the keys, so a
 *       value would come back under another key. One MGET per slot keeps every reply next to its key.
 * </ul>
 */
@ApplicationScoped
@Internal
public class MultiKeyCommands {

    /** A command and the one key it touches. */
    public record Keyed(String key, Request request) {}

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final boolean clustered;

    public MultiKeyCommands(
            ReactiveRedisDataSource redis,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this.redis = redis;
        this.values = redis.value(String.class);
        this.clustered = "cluster".equalsIgnoreCase(clientType);
    }

    /** Whether the client talks to a Redis Cluster ({@code quarkus.redis.client-type=cluster}). */
    public boolean clustered() {
        return clustered;
    }

    /** The string value of each key (null when absent). Callers wrap it in {@link RedisGuard}. */
    public Uni<Map<String, String>> mget(List<String> keys) {
        if (!clustered) {
            return values.mget(keys.toArray(String[]::new));
        }
        List<Uni<Map<String, String>>> groups = new ArrayList<>();
        bySlot(keys, key -> key).values().forEach(group -> groups.add(values.mget(group.toArray(String[]::new))));
        return Uni.join().all(groups).andFailFast().map(replies -> {
            Map<String, String> all = new HashMap<>();
            replies.forEach(all::putAll);
            return all;
        });
    }

    /** Sends independent single-key commands; completes when all were answered, fails when any failed. */
    public Uni<Void> pipeline(List<Keyed> commands) {
        if (commands.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (!clustered) {
            return redis.getRedis()
                    .batch(commands.stream().map(Keyed::request).toList())
                    .replaceWithVoid();
        }
        List<Uni<Void>> groups = new ArrayList<>();
        bySlot(commands, Keyed::key)
                .values()
                .forEach(group -> groups.add(redis.getRedis()
                        .batch(group.stream().map(Keyed::request).toList())
                        .replaceWithVoid()));
        return Uni.join().all(groups).andFailFast().replaceWithVoid();
    }

    /**
     * Sends independent single-key commands like {@link #pipeline} and answers their replies in the order of {@code
     * commands}; fails when any failed.
     */
    public Uni<List<Response>> replies(List<Keyed> commands) {
        if (commands.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        if (!clustered) {
            return redis.getRedis().batch(commands.stream().map(Keyed::request).toList());
        }
        Map<Integer, List<Integer>> positions =
                bySlot(indices(commands.size()), i -> commands.get(i).key());
        List<List<Integer>> groups = List.copyOf(positions.values());
        List<Uni<List<Response>>> sent = new ArrayList<>();
        groups.forEach(group -> sent.add(redis.getRedis()
                .batch(group.stream().map(i -> commands.get(i).request()).toList())));
        return Uni.join().all(sent).andFailFast().map(answers -> {
            Response[] ordered = new Response[commands.size()];
            for (int g = 0; g < groups.size(); g++) {
                for (int j = 0; j < groups.get(g).size(); j++) {
                    ordered[groups.get(g).get(j)] = answers.get(g).get(j);
                }
            }
            return Arrays.asList(ordered);
        });
    }

    private static List<Integer> indices(int size) {
        List<Integer> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(i);
        }
        return all;
    }

    private static <T> Map<Integer, List<T>> bySlot(List<T> items, Function<T, String> key) {
        Map<Integer, List<T>> groups = new LinkedHashMap<>();
        for (T item : items) {
            groups.computeIfAbsent(HashSlot.of(key.apply(item)), slot -> new ArrayList<>())
                    .add(item);
        }
        return groups;
    }
}
