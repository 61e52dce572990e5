package dev.cachepatterns.cache.redis;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a Redis {@code INFO} reply ({@code name:value} lines, sections headed by {@code #}). The one parser of
 * INFO in the service: the write-behind durability check and the {@code redis_*} meters both read it.
 */
public record RedisInfo(Map<String, String> fields) {

    public RedisInfo {
        fields = Map.copyOf(fields);
    }

    public static RedisInfo parse(String reply) {
        Map<String, String> fields = new HashMap<>();
        for (String line : reply.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return new RedisInfo(fields);
    }

    public Optional<String> text(String field) {
        return Optional.ofNullable(fields.get(field));
    }

    /** The field as a number, NaN when INFO did not report it or it is not numeric. */
    public double number(String field) {
        String value = fields.get(field);
        if (value == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** This reply merged over {@code older}: a field this one lacks keeps its older value. */
    public RedisInfo over(RedisInfo older) {
        Map<String, String> merged = new HashMap<>(older.fields);
        merged.putAll(fields);
        return new RedisInfo(merged);
    }
}
