package dev.cachepatterns.leaderboards;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The cap of open streams per instance (503 problem beyond it) and the heartbeat comments of an idle stream. */
@QuarkusTest
@TestProfile(StreamLimitsProfile.class)
class LeaderboardStreamLimitsTest {

    @TestHTTPResource("/leaderboards")
    URI leaderboards;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void oneStreamMoreThanTheCapIsRefusedWith503AndASlotFreedIsTakenAgain() {
        String board = Boards.unique("cap");
        Boards.submit(board, "ann", 1);
        List<SseStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < StreamLimitsProfile.MAX_OPEN; i++) {
                open.add(SseStream.open(client, stream(board)));
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> open.stream()
                            .allMatch(s -> s.status() == 200 && !s.data().isEmpty()));

            given().get("/leaderboards/{board}/stream", board)
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "7")
                    .body("status", equalTo(503))
                    .body("detail", containsString(StreamLimitsProfile.MAX_OPEN + " streams open"));
            // Any board: the cap counts the instance's streams, not one board's.
            given().get("/leaderboards/{board}/stream", Boards.unique("other"))
                    .then()
                    .statusCode(503);

            open.remove(0).close();
            // The closed stream's slot is freed once the server sees the connection go.
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                SseStream again = SseStream.open(client, stream(board));
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> again.status() != 0);
                    assertThat(again.status()).isEqualTo(200);
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(5))
                            .until(() -> !again.data().isEmpty());
                    assertThat(again.lastData()).contains("\"player\":\"ann\"");
                } finally {
                    again.close();
                }
            });
        } finally {
            open.forEach(SseStream::close);
        }
    }

    @Test
    void anIdleStreamGetsKeepAliveCommentsAndNoRepeatedBoards() {
        String board = Boards.unique("idle");
        Boards.submit(board, "ann", 1);
        try (SseStream idle = SseStream.open(client, stream(board))) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> idle.comments().size() >= 3);
            assertThat(idle.comments()).allMatch(line -> line.equals(": keep-alive"));
            assertThat(idle.data()).hasSize(1);
        }
    }

    private URI stream(String board) {
        return leaderboards.resolve("/leaderboards/" + board + "/stream");
    }
}
