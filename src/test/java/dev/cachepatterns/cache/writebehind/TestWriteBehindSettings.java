package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Write-behind settings built by a test. {@link #manual} is the deterministic setup: the flush loop only measures (and
 * that once an hour), so the test runs every flush itself.
 */
record TestWriteBehindSettings(
        String keyPrefix,
        int batchSize,
        Duration flushInterval,
        boolean flushEnabled,
        long maxBacklog,
        Overflow overflow,
        Duration retryAfter,
        int maxTries,
        Duration claimIdle,
        boolean requireSafeEvictionPolicy)
        implements WriteBehindSettings {

    /** A unique prefix with its own hash tag, so the keys of one test never meet those of another test or run. */
    static String uniquePrefix() {
        return "t:wb:{" + UUID.randomUUID().toString().substring(0, 13) + "}";
    }

    static TestWriteBehindSettings manual() {
        return new TestWriteBehindSettings(
                uniquePrefix(),
                500,
                Duration.ofHours(1),
                false,
                100_000,
                Overflow.REJECT,
                Duration.ofSeconds(1),
                5,
                Duration.ofSeconds(30),
                true);
    }

    TestWriteBehindSettings withKeyPrefix(String prefix) {
        return new TestWriteBehindSettings(
                prefix,
                batchSize,
                flushInterval,
                flushEnabled,
                maxBacklog,
                overflow,
                retryAfter,
                maxTries,
                claimIdle,
                requireSafeEvictionPolicy);
    }

    TestWriteBehindSettings withBatchSize(int size) {
        return new TestWriteBehindSettings(
                keyPrefix,
                size,
                flushInterval,
                flushEnabled,
                maxBacklog,
                overflow,
                retryAfter,
                maxTries,
                claimIdle,
                requireSafeEvictionPolicy);
    }

    /** The flush loop of the factory flushes every {@code interval}. */
    TestWriteBehindSettings flushingEvery(Duration interval) {
        return new TestWriteBehindSettings(
                keyPrefix,
                batchSize,
                interval,
                true,
                maxBacklog,
                overflow,
                retryAfter,
                maxTries,
                claimIdle,
                requireSafeEvictionPolicy);
    }

    TestWriteBehindSettings withBacklog(long max, Overflow whenFull, Duration retry) {
        return new TestWriteBehindSettings(
                keyPrefix,
                batchSize,
                flushInterval,
                flushEnabled,
                max,
                whenFull,
                retry,
                maxTries,
                claimIdle,
                requireSafeEvictionPolicy);
    }

    TestWriteBehindSettings withMaxTries(int tries) {
        return new TestWriteBehindSettings(
                keyPrefix,
                batchSize,
                flushInterval,
                flushEnabled,
                maxBacklog,
                overflow,
                retryAfter,
                tries,
                claimIdle,
                requireSafeEvictionPolicy);
    }

    TestWriteBehindSettings withClaimIdle(Duration idle) {
        return new TestWriteBehindSettings(
                keyPrefix,
                batchSize,
                flushInterval,
                flushEnabled,
                maxBacklog,
                overflow,
                retryAfter,
                maxTries,
                idle,
                requireSafeEvictionPolicy);
    }

    TestWriteBehindSettings withRequireSafeEvictionPolicy(boolean required) {
        return new TestWriteBehindSettings(
                keyPrefix,
                batchSize,
                flushInterval,
                flushEnabled,
                maxBacklog,
                overflow,
                retryAfter,
                maxTries,
                claimIdle,
                required);
    }

    @Override
    public int maxBatchesPerCycle() {
        return 20;
    }

    @Override
    public String consumerGroup() {
        return "flushers";
    }

    @Override
    public Optional<String> consumerName() {
        return Optional.empty();
    }

    @Override
    public Duration flushTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration ledgerRetention() {
        return Duration.ofHours(24);
    }

    @Override
    public Duration shutdownDrain() {
        return Duration.ofSeconds(5);
    }
}
