package dev.cachepatterns.support;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long this JVM's threads were kept from running: a thread that asks to wake every {@value #TICK_MILLIS} ms records
 * how much later it woke. On a loaded machine a request's latency includes such waits, which no code of the service
 * could shorten; a latency bound is judged on the latency minus the stall recorded while the request ran.
 */
public final class StallMeter implements AutoCloseable {

    private static final long TICK_MILLIS = 5;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /** Wake-ups later than this count as a stall; below it is ordinary timer slack. */
    private static final long NOISE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private record Stall(long endNanos, long lateNanos) {}

    private final ConcurrentLinkedQueue<Stall> stalls = new ConcurrentLinkedQueue<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private StallMeter() {
        sampler = new Thread(this::sample, "stall-meter");
        sampler.setDaemon(true);
    }

    public static StallMeter start() {
        StallMeter meter = new StallMeter();
        meter.sampler.start();
        return meter;
    }

    private void sample() {
        while (running) {
            long asked = System.nanoTime();
            LockSupport.parkNanos(TICK_NANOS);
            long woke = System.nanoTime();
            long late = woke - asked - TICK_NANOS;
            if (late > NOISE_NANOS) {
                stalls.add(new Stall(woke, late));
            }
        }
    }

    /** The time this JVM was kept from running between two {@link System#nanoTime()} readings. */
    public long stalledMillis(long fromNanos, long toNanos) {
        long total = 0;
        for (Stall stall : stalls) {
            long stallStart = stall.endNanos() - stall.lateNanos();
            long overlap = Math.min(stall.endNanos(), toNanos) - Math.max(stallStart, fromNanos);
            total += Math.max(0, overlap);
        }
        return TimeUnit.NANOSECONDS.toMillis(total);
    }

    /** The latency of {@code outcome} less what this JVM was kept from running meanwhile. */
    public long runnableMillis(Outcome outcome) {
        return Math.max(0, outcome.latencyMillis() - stalledMillis(outcome.startNanos(), outcome.endNanos()));
    }

    @Override
    public void close() {
        running = false;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
