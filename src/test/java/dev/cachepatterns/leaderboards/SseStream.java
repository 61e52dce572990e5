package dev.cachepatterns.leaderboards;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One server-sent-events stream read by the JDK's HTTP client, line by line without a thread of its own: its status,
 * its {@code data:} lines and its comment lines. {@link #close} cancels the body, which closes the connection.
 */
final class SseStream implements AutoCloseable {

    private final AtomicInteger status = new AtomicInteger();
    private final List<String> data = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean closed;

    private SseStream() {}

    static SseStream open(HttpClient client, URI uri) {
        SseStream stream = new SseStream();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .build();
        client.sendAsync(request, info -> {
            stream.status.set(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(stream.lines());
        });
        return stream;
    }

    /** The HTTP status, 0 until the head arrived. */
    int status() {
        return status.get();
    }

    /** The {@code data:} lines so far, one per event (the board is one line of JSON). */
    List<String> data() {
        return data;
    }

    /** The comment lines so far (they start with {@code :}). */
    List<String> comments() {
        return comments;
    }

    String lastData() {
        return data.isEmpty() ? null : data.get(data.size() - 1);
    }

    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }

    private Flow.Subscriber<String> lines() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                if (closed) {
                    s.cancel();
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(String line) {
                if (line.startsWith("data:")) {
                    data.add(line);
                } else if (line.startsWith(":")) {
                    comments.add(line);
                }
            }

            @Override
            public void onError(Throwable failure) {}

            @Override
            public void onComplete() {}
        };
    }
}
