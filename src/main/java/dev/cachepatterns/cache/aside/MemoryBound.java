package dev.cachepatterns.cache.aside;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bound on memory, as configuration writes it: a size ({@code 64M}, {@code 512K}, {@code 1G}, or bytes) or a share
 * of the JVM's maximum heap ({@code 10%}), so a bound follows the heap a deployment is given.
 */
public record MemoryBound(long bytes, double heapPercent) {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]?)B?");
    private static final Pattern SHARE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

    public MemoryBound {
        if (bytes < 0 || heapPercent < 0 || heapPercent > 100 || (bytes > 0) == (heapPercent > 0)) {
            throw new IllegalArgumentException("a memory bound is a size or a share of the heap above 0");
        }
    }

    /** Reads configuration values such as {@code 64M} and {@code 10%} (named by the settings, so native images keep it). */
    public static final class Converter implements org.eclipse.microprofile.config.spi.Converter<MemoryBound> {
        @Override
        public MemoryBound convert(String value) {
            return of(value);
        }
    }

    /** Reads {@code 64M} or {@code 10%}. */
    public static MemoryBound of(String text) {
        String trimmed = text.trim().toUpperCase(Locale.ROOT);
        Matcher share = SHARE.matcher(trimmed);
        if (share.matches()) {
            return new MemoryBound(0, Double.parseDouble(share.group(1)));
        }
        Matcher size = SIZE.matcher(trimmed);
        if (size.matches()) {
            long unit = switch (size.group(2)) {
                case "K" -> 1L << 10;
                case "M" -> 1L << 20;
                case "G" -> 1L << 30;
                default -> 1;
            };
            return new MemoryBound(Math.multiplyExact(Long.parseLong(size.group(1)), unit), 0);
        }
        throw new IllegalArgumentException("not a size (64M) nor a share of the heap (10%): '" + text + "'");
    }

    /** The bound in bytes, for a JVM whose maximum heap is {@code maxHeap} bytes. */
    public long bytesOf(long maxHeap) {
        return heapPercent > 0 ? (long) (maxHeap * heapPercent / 100) : bytes;
    }

    @Override
    public String toString() {
        if (heapPercent > 0) {
            return (heapPercent == Math.rint(heapPercent)
                            ? String.valueOf((long) heapPercent)
                            : String.valueOf(heapPercent))
                    + "% of the heap";
        }
        return bytes + " bytes";
    }
}
