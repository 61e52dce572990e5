package dev.cachepatterns.leaderboards;

import java.time.Duration;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.smallrye.mutiny.Multi;

/**
 * The wire form of a leaderboard stream: each board is an event whose data is its JSON (the stream element type), and
 * every {@code heartbeat} a comment line {@code : keep-alive}, which clients ignore and which keeps proxies that cut
 * idle connections from cutting a stream whose board does not change.
 */
final class StreamEvents {

    static final String HEARTBEAT = " keep-alive";

    private StreamEvents() {}

    static Multi<OutboundSseEvent> of(Multi<Leaderboard> boards, Duration heartbeat, Sse sse) {
        Multi<OutboundSseEvent> data = boards.map(
                board -> sse.newEventBuilder().data(Leaderboard.class, board).build());
        // A client that reads slowly misses heartbeats, never boards (they are kept in the stream's own buffer).
        Multi<OutboundSseEvent> comments = Multi.createFrom()
                .ticks()
                .startingAfter(heartbeat)
                .every(heartbeat)
                .onOverflow()
                .drop()
                .map(tick -> sse.newEventBuilder().comment(HEARTBEAT).build());
        return Multi.createBy().merging().withRequests(1).streams(data, comments);
    }
}
