package dev.cachepatterns.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The mechanism behind the bulk fill of {@code CacheAside.getAll}, measured on its own for bench/run.sh: writing N
 * cache entries (user-shaped JSON, PSETEX with a TTL) with the Vert.x Redis client the service uses, one command at a
 * time (each waits for its reply) against pipelined batches (one {@code batch()} call per {@code batch} commands).
 *
 * <p>Usage: {@code PipelinedWarmupBench redis=redis://127.0.0.1:6379/1 keys=10000 batch=100}. Prints one line of JSON.
 */
public final class PipelinedWarmupBench {

    private PipelinedWarmupBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int keys = Integer.parseInt(options.getOrDefault("keys", "10000"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "100"));
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(
                vertx,
                new RedisOptions().setConnectionString(options.getOrDefault("redis", "redis://127.0.0.1:6379/1")));
        try {
            // Both paths once before measuring, so the JIT has compiled them.
            await(sequential(redis, Math.min(keys, 2000), 0));
            await(pipelined(redis, keys, batch));
            clear(redis, keys);
            long sequential = timed(() -> sequential(redis, keys, 0));
            long sequentialKeys = count(redis, keys);
            clear(redis, keys);
            long pipelined = timed(() -> pipelined(redis, keys, batch));
            long pipelinedKeys = count(redis, keys);
            clear(redis, keys);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"keys\":%d,\"batch\":%d,\"sequential_ms\":%.1f,\"pipelined_ms\":%.1f,"
                            + "\"sequential_keys\":%d,\"pipelined_keys\":%d}",
                    keys,
                    batch,
                    sequential / 1e6,
                    pipelined / 1e6,
                    sequentialKeys,
                    pipelinedKeys));
        } finally {
            vertx.close();
        }
    }

    private static String key(int i) {
        return "cp:bench:warm:" + i;
    }

    private static Request fill(int i) {
        String json = "{\"id\":" + i + ",\"name\":\"User " + i + "\",\"email\":\"user" + i
                + "@example.com\",\"avatarUrl\":\"https://img.example.com/u/" + i + ".png\"}";
        return Request.cmd(Command.PSETEX).arg(key(i)).arg(600_000).arg(json);
    }

    // Each command after the previous reply: what a loop of awaited SETs costs.
    private static Future<Void> sequential(Redis redis, int keys, int i) {
        if (i == keys) {
            return Future.succeededFuture();
        }
        return redis.send(fill(i + 1)).compose(reply -> sequential(redis, keys, i + 1));
    }

    // Batches one after the other, each written in one go and answered together.
    private static Future<Void> pipelined(Redis redis, int keys, int batch) {
        Future<Void> chain = Future.succeededFuture();
        for (int start = 1; start <= keys; start += batch) {
            int from = start;
            chain = chain.compose(ignored -> {
                List<Request> commands = new ArrayList<>(batch);
                for (int i = from; i < from + batch && i <= keys; i++) {
                    commands.add(fill(i));
                }
                return redis.batch(commands).mapEmpty();
            });
        }
        return chain;
    }

    private static long timed(java.util.function.Supplier<Future<Void>> work) throws Exception {
        long start = System.nanoTime();
        await(work.get());
        return System.nanoTime() - start;
    }

    private static long count(Redis redis, int keys) throws Exception {
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= keys; i++) {
            all.add(key(i));
        }
        return await(RedisAPI.api(redis).exists(all)).toLong();
    }

    private static void clear(Redis redis, int keys) throws Exception {
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= keys; i++) {
            all.add(key(i));
        }
        await(RedisAPI.api(redis).unlink(all));
    }

    private static <T> T await(Future<T> future) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        future.onComplete(result -> {
            if (result.succeeded()) {
                done.complete(result.result());
            } else {
                done.completeExceptionally(result.cause());
            }
        });
        return done.get(120, TimeUnit.SECONDS);
    }
}
