package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.CacheInfrastructure;
import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.core.EntryFormat;

/**
 * The consistency auditor: the last line of defence behind fenced fills and source notifications. Every {@code
 * interval} each instance tries the cache's audit lock ({@code <prefix>:audit:lock}, leased for the interval and never
 * released, so one instance audits per interval over all of them); the winner compares up to {@code sample} entries it
 * read lately with the source (one MGET, one bulk load), and deletes an entry that differs, only if it still holds what
 * was compared (a value filled since stays). A difference is confirmed by a second load of those ids first, so a write
 * that committed between the two reads is not counted. Counts {@code cache_audit_checked_total{cache}} and {@code
 * cache_audit_mismatches_total{cache}}; its loads are ordinary loads ({@code cache_loads_total}).
 */
@ApplicationScoped
public class ConsistencyAudits {

    private static final Logger LOG = Logger.getLogger(ConsistencyAudits.class);

    /** What one audit found. */
    record Result(int checked, int mismatches) {}

    private final CacheInfrastructure shared;

    public ConsistencyAudits(CacheInfrastructure shared) {
        this.shared = shared;
    }

    /** Audits {@code cache} (named {@code name}, the meters' tag) as {@code settings} say; nothing when disabled. */
    public <K, V> void audit(
            String name, CacheAside<K, V> cache, CacheAsideSettings cacheSettings, AuditSettings settings) {
        if (!settings.enabled() || !cacheSettings.enabled()) {
            return;
        }
        Meters meters = new Meters(name, shared.registry());
        String lockKey = new CacheKeys(cacheSettings.keyPrefix()).prefix() + ":audit:lock";
        Duration interval = settings.interval();
        DistributedLock lock = shared.lock();
        shared.vertx()
                .setPeriodic(
                        Math.max(1000, interval.toMillis()),
                        tick -> lock.tryAcquire(lockKey, interval)
                                .flatMap(token -> token.isPresent()
                                        ? runOnce(cache.auditView(), settings.sample(), meters)
                                        : Uni.createFrom().nullItem())
                                .subscribe()
                                .with(
                                        result -> {},
                                        failure -> LOG.debugf("audit of %s skipped: %s", name, failure.getMessage())));
    }

    /** One audit of up to {@code sample} recently read entries (tests call it directly). */
    <K, V> Uni<Result> runOnce(String name, CacheAside<K, V> cache, int sample) {
        return runOnce(cache.auditView(), sample, new Meters(name, shared.registry()));
    }

    private <K, V> Uni<Result> runOnce(AuditView<K, V> view, int sample, Meters meters) {
        List<K> ids = view.recent().latest(sample);
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new Result(0, 0));
        }
        List<String> keys = ids.stream().map(view.key()).toList();
        return view.source()
                .apply(ids)
                .flatMap(first -> view.entries().apply(keys).flatMap(entries -> {
                    List<K> suspects = new ArrayList<>();
                    int checked = 0;
                    for (K id : ids) {
                        String raw = entries.get(view.key().apply(id));
                        if (!EntryFormat.answers(raw)) {
                            continue; // not cached: nothing to be stale
                        }
                        checked++;
                        if (!view.format().holds(raw, first.get(id))) {
                            suspects.add(id);
                        }
                    }
                    meters.checked.increment(checked);
                    Result clean = new Result(checked, 0);
                    if (suspects.isEmpty()) {
                        return Uni.createFrom().item(clean);
                    }
                    // Loaded again after the Redis read: a difference that remains is not a write racing the audit.
                    return view.source().apply(suspects).flatMap(second -> {
                        List<Uni<Boolean>> repairs = new ArrayList<>();
                        for (K id : suspects) {
                            String key = view.key().apply(id);
                            String raw = entries.get(key);
                            if (!view.format().holds(raw, second.get(id))) {
                                meters.mismatches.increment();
                                LOG.warnf("audit: %s differs from the source, dropping it", key);
                                repairs.add(
                                        view.drop().apply(key, raw).onFailure().recoverWithItem(false));
                            }
                        }
                        if (repairs.isEmpty()) {
                            return Uni.createFrom().item(clean);
                        }
                        return Uni.join()
                                .all(repairs)
                                .andCollectFailures()
                                .map(done -> new Result(clean.checked(), done.size()));
                    });
                }));
    }

    private static final class Meters {
        final Counter checked;
        final Counter mismatches;

        Meters(String cache, MeterRegistry registry) {
            this.checked = Counter.builder("cache.audit.checked")
                    .description("Cached entries the consistency auditor compared with the source")
                    .tag("cache", cache)
                    .register(registry);
            this.mismatches = Counter.builder("cache.audit.mismatches")
                    .description("Cached entries that differed from the source (each one dropped)")
                    .tag("cache", cache)
                    .register(registry);
        }
    }
}
