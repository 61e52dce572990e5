package dev.cachepatterns.cache.aside;

import java.util.OptionalInt;

import com.github.benmanes.caffeine.cache.Weigher;

/**
 * What an entry of a near tier weighs against its {@code max-memory}: the bytes of its key's and its entry's characters
 * (one per character, two when a string holds any beyond Latin-1, as the JVM stores them) plus {@link #OVERHEAD}, the
 * heap that every entry costs besides (the two string objects and their arrays' headers, Caffeine's node, the map's
 * node and table slot, the frequency sketch). {@code OVERHEAD} was measured with a heap histogram, so the weighed bytes
 * are close to the heap the tier takes ({@code docs/near-cache.md}, {@code NearTierFootprint}). With {@code
 * max-entries} set, every entry weighs at least {@code max-memory / max-entries}, so that bound holds too.
 */
final class EntryWeigher implements Weigher<String, Object> {

    /** Heap per entry beyond its characters, measured on this JVM: see the class comment. */
    static final int OVERHEAD = 192;

    private final int floor;

    EntryWeigher(long maxBytes, OptionalInt maxEntries) {
        long least = maxEntries.isPresent()
                ? (maxBytes + maxEntries.getAsInt() - 1) / Math.max(1, maxEntries.getAsInt())
                : 0;
        this.floor = (int) Math.min(Integer.MAX_VALUE, least);
    }

    @Override
    public int weigh(String key, Object entry) {
        long bytes = OVERHEAD + bytes(key) + (entry instanceof String raw ? bytes(raw) : 0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(floor, bytes));
    }

    static long bytes(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                return 2L * text.length();
            }
        }
        return text.length();
    }
}
