package dev.cachepatterns.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Lua script run with EVALSHA (the body crosses the network once per Redis process), falling back to EVAL when the
 * server does not know it yet (first call, restart, SCRIPT FLUSH). Callers wrap {@link #run} in {@link RedisGuard}.
 */
public final class LuaScript {

    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    public Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, List<String> args) {
        return redis.execute("EVALSHA", arguments(sha, keys, args))
                .onFailure(failure ->
                        failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", arguments(source, keys, args)));
    }

    private static String[] arguments(String script, List<String> keys, List<String> args) {
        List<String> all = new ArrayList<>(2 + keys.size() + args.size());
        all.add(script);
        all.add(String.valueOf(keys.size()));
        all.addAll(keys);
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
