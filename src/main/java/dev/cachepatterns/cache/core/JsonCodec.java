package dev.cachepatterns.cache.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import dev.cachepatterns.cache.Internal;

/** Encodes cached values as JSON, with readers and writers bound once to the value type. */
@Internal
public final class JsonCodec<V> {

    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonCodec(ObjectMapper mapper, Class<V> type) {
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
    }

    public String encode(V value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** The decoded value, or null when the entry cannot be read (e.g. written by an older version of the type). */
    public V decodeOrNull(String json) {
        try {
            return reader.readValue(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
