package dev.cachepatterns.platform;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.support.MemoryCache;

import static org.assertj.core.api.Assertions.assertThat;

/** Cache hits and misses log nothing at INFO: at tens of thousands of reads a second, a line per read is an outage. */
@QuarkusTest
class QuietHitPathTest {

    @Inject
    CacheAsideFactory caches;

    @Test
    void readsThroughTheCacheWriteNoLogLinesAtInfo() {
        CacheAside<Long, String> cache = MemoryCache.create(caches, "quiet-test");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()
                        && record.getLoggerName() != null
                        && record.getLoggerName().startsWith("dev.cachepatterns")) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(cache.get(7L).await().atMost(Duration.ofSeconds(5))).contains("value-7");
                assertThat(cache.getJson(7L).await().atMost(Duration.ofSeconds(5)))
                        .isPresent();
            }
            for (int i = 0; i < 3; i++) {
                assertThat(cache.get(1_000_007L).await().atMost(Duration.ofSeconds(5)))
                        .isEmpty();
            }
            assertThat(cache.getAll(List.of(7L, 8L, 1_000_008L)).await().atMost(Duration.ofSeconds(5)))
                    .hasSize(2);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(records).extracting(LogRecord::getMessage).isEmpty();
    }
}
