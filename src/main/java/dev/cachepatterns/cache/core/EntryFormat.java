package dev.cachepatterns.cache.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import dev.cachepatterns.cache.Internal;

/**
 * The text of a cache entry, owned here and nowhere else: a value's JSON (written by the cache's codec), the "absent"
 * marker (the source has no value, so repeated reads of it do not reach the source), or an outstanding fence (a reader
 * is loading the entry; see {@code cache/aside/FencedEntries}). Encoding, decoding, the markers, what the near tier may
 * keep and what the auditor compares are all answered here.
 */
@Internal
public final class EntryFormat<V> {

    private static final String ABSENT = "!absent";
    private static final String FENCE_PREFIX = "!fence:";

    private final JsonCodec<V> codec;

    public EntryFormat(JsonCodec<V> codec) {
        this.codec = codec;
    }

    /** The text stored for what the source answered: the value's JSON, or the "absent" marker. */
    public String encode(Optional<V> value) {
        return value.map(codec::encode).orElseGet(EntryFormat::absentEntry);
    }

    /** The text stored for a key the source has no value for. */
    public static String absentEntry() {
        return ABSENT;
    }

    /** A value's JSON, as a hit on the entry answers it. */
    public String json(V value) {
        return codec.encode(value);
    }

    /**
     * What an entry means without decoding its value: nothing or an outstanding fence is a miss, the "absent" marker a
     * negative hit, anything else a hit carrying the entry's JSON as it is.
     */
    public static CacheLookup<String> read(String raw) {
        if (raw == null || isFence(raw)) {
            return CacheLookup.miss();
        }
        return ABSENT.equals(raw) ? CacheLookup.absent() : CacheLookup.hit(raw);
    }

    /**
     * What an entry means for a caller of the value type: as {@link #read}, and a hit only when its JSON decodes. An
     * entry that cannot be decoded (e.g. written by an older version of the type) is a miss, so the next fill
     * overwrites it.
     */
    public CacheLookup<V> decode(String raw) {
        return decode(read(raw));
    }

    /** {@link #decode} of an entry already {@link #read}. */
    public CacheLookup<V> decode(CacheLookup<String> read) {
        if (read.kind() != CacheLookup.Kind.HIT) {
            return read.withoutValue();
        }
        V value = codec.decodeOrNull(read.value());
        return value == null ? CacheLookup.miss() : CacheLookup.hit(value);
    }

    /**
     * What the entry that the fence script found or stored means for a reader about to load: a value or the marker
     * answers the read; a fence (its own or another reader's, adopted) or an entry of an older shape is what the fill
     * must still find there; nothing means the script could not store a fence, so nothing is filled.
     */
    public CacheLookup<V> opened(String raw) {
        if (raw == null) {
            return CacheLookup.miss();
        }
        if (isFence(raw)) {
            return CacheLookup.fenced(raw);
        }
        CacheLookup<V> found = decode(raw);
        return found.answered() ? found : CacheLookup.fenced(raw);
    }

    /** A new fence: random, so a fill can tell its own (or the one it adopted) from any later reader's. */
    public static String newFence() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return FENCE_PREFIX + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    /** The "absent" marker and the fence prefix, for a script that must leave everything else (a value) alone. */
    public static List<String> markers() {
        return List.of(ABSENT, FENCE_PREFIX);
    }

    /** Whether an entry answers reads (a value or the "absent" marker), i.e. what a near tier may hold. */
    public static boolean answers(String raw) {
        return raw != null && !isFence(raw);
    }

    /** Whether a held entry is the "absent" marker (it ages as absence does). */
    public static boolean absent(String raw) {
        return ABSENT.equals(raw);
    }

    /** Whether {@code raw} is what this cache would store for {@code inSource} (null: the source has no value). */
    public boolean holds(String raw, V inSource) {
        return inSource == null ? ABSENT.equals(raw) : Objects.equals(raw, codec.encode(inSource));
    }

    private static boolean isFence(String raw) {
        return raw.startsWith(FENCE_PREFIX);
    }
}
