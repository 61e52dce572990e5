package dev.cachepatterns.platform;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Cache hits and misses log nothing at INFO: at tens of thousands of reads a second, a line per read is an outage. */
@QuarkusTest
class QuietHitPathTest {

    @Test
    void readsThroughTheCacheWriteNoLogLinesAtInfo() {
        long id = Users.create("Quiet Reader");
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
                given().get("/users/{id}", id).then().statusCode(200);
            }
            given().get("/users/{id}", 900_000_000_000_000_007L).then().statusCode(404);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(records).extracting(LogRecord::getMessage).isEmpty();
    }
}
