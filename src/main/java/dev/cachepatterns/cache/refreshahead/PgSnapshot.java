package dev.cachepatterns.cache.refreshahead;

import java.util.Arrays;
import java.util.List;

/**
 * A Postgres MVCC snapshot ({@code pg_current_snapshot()}, text form {@code xmin:xmax:xip,xip}): which committed
 * transactions a query saw. A committed transaction {@code x} is visible in it when {@code x < xmin}, or {@code x <
 * xmax} and {@code x} is not in the in-progress list.
 *
 * <p>Used to tell, for a change recorded by its transaction id ({@code pg_current_xact_id()}), whether an aggregate
 * taken under this snapshot already contains it. Unlike "ids up to max(id)", this is exact even when sequence order and
 * commit order differ. Ids are kept as decimal strings (xid8 is 64-bit; Lua numbers are doubles).
 */
public record PgSnapshot(String xmin, String xmax, List<String> inProgress) {

    public static PgSnapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a pg_snapshot: " + text);
        }
        List<String> xip = parts[2].isEmpty() ? List.of() : Arrays.asList(parts[2].split(","));
        return new PgSnapshot(parts[0], parts[1], List.copyOf(xip));
    }

    /** Whether a committed transaction with this id is visible in the snapshot. */
    public boolean sees(String xid) {
        long x = Long.parseUnsignedLong(xid);
        if (Long.compareUnsigned(x, Long.parseUnsignedLong(xmin)) < 0) {
            return true;
        }
        return Long.compareUnsigned(x, Long.parseUnsignedLong(xmax)) < 0 && !inProgress.contains(xid);
    }

    public String inProgressCsv() {
        return String.join(",", inProgress);
    }
}
