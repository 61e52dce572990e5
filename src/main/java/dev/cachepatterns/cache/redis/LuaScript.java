package dev.cachepatterns.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 *
 * <p>Every script of the cache layer is a {@code .lua} file next to the class that runs it (under {@code
 * src/main/resources}, in the same package), loaded once with {@link #load}: scripts read as Lua, can be tried with
 * {@code redis-cli --eval}, and share helper functions by listing the helper's file first. Services use it for their own
 * scripts too (e.g. {@code platform/idempotency}), run through {@link RedisGuard} like the cache layer's.
 */
public final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;

    LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * The script made of {@code files} (resources in the package of {@code owner}, joined in this order), e.g. a helper
     * that defines a function and the script that calls it. Fails at class initialisation when a file is missing.
     */
    public static LuaScript load(Class<?> owner, String... files) {
        StringBuilder source = new StringBuilder();
        for (String file : files) {
            try (InputStream in = owner.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("Lua script " + file + " not found next to " + owner.getName());
                }
                source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new LuaScript(files[files.length - 1], source.toString());
    }

    public Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, List<String> args) {
        return redis.execute("EVALSHA", arguments(sha, keys, args))
                .onFailure(failure ->
                        failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", arguments(source, keys, args)));
    }

    public String source() {
        return source;
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

    @Override
    public String toString() {
        return "LuaScript[" + name + "]";
    }
}
