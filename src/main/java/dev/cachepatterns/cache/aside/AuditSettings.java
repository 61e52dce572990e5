package dev.cachepatterns.cache.aside;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * The consistency auditor of one cache-aside cache ({@link ConsistencyAudits}): every {@code interval} one instance
 * (whichever takes the audit lock) compares up to {@code sample} recently read entries with the source, repairs the
 * ones that differ and counts them. At most {@code sample / interval} keys per second over all instances.
 */
public interface AuditSettings {

    /** Off switch of the auditor. */
    @WithDefault("true")
    boolean enabled();

    /** How often one instance audits a sample. */
    @WithDefault("30s")
    Duration interval();

    /** Entries compared per audit (one MGET and one bulk load). */
    @WithDefault("50")
    int sample();
}
