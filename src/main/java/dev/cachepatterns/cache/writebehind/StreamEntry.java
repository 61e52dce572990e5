package dev.cachepatterns.cache.writebehind;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.redis.datasource.stream.StreamMessage;

import dev.cachepatterns.cache.core.CacheKeys;

/** One accepted increment as the stream holds it: {@code e} entity, {@code f} field, {@code d} delta, {@code id}. */
record StreamEntry(String streamId, UUID acceptId, String entity, String field, long delta) {

    /** Largest size of one delta; far below the range where a sum of a batch could overflow. */
    static final long MAX_DELTA = 1_000_000_000L;

    /** The entry, or null when the message is not one this component wrote (malformed entries are dead-lettered). */
    static StreamEntry parse(StreamMessage<String, String, String> message, List<String> fields) {
        Map<String, String> payload = message.payload();
        if (payload == null) {
            return null;
        }
        try {
            String entity = payload.get("e");
            String field = payload.get("f");
            long delta = Long.parseLong(payload.get("d"));
            UUID acceptId = UUID.fromString(payload.get("id"));
            requireEntity(entity);
            if (!fields.contains(field) || !validDelta(delta)) {
                return null;
            }
            return new StreamEntry(message.id(), acceptId, entity, field, delta);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static boolean validDelta(long delta) {
        return delta != 0 && Math.abs(delta) <= MAX_DELTA;
    }

    /** Entities become part of Redis hash fields and cached-copy keys: the key rules apply. */
    static void requireEntity(String entity) {
        if (entity == null) {
            throw new IllegalArgumentException("entity is required");
        }
        new CacheKeys("x").value(entity);
    }

    /** Milliseconds since the entry was added, read from its stream id ({@code <millis>-<seq>}). */
    static long ageMillis(String streamId) {
        int dash = streamId.indexOf('-');
        try {
            long millis = Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
            return System.currentTimeMillis() - millis;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
