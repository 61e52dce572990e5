package dev.cachepatterns.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.RedisResilienceConfig;
import dev.cachepatterns.inventory.InventoryCacheConfig;
import dev.cachepatterns.leaderboard.LeaderboardsCacheConfig;
import dev.cachepatterns.posts.PostsCacheConfig;
import dev.cachepatterns.posts.PostsWriteBehindConfig;
import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;
import dev.cachepatterns.support.RedisMonitor;
import dev.cachepatterns.support.RedisWire;
import dev.cachepatterns.users.UsersCacheConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over every endpoint of docs/design.md: ids, SKUs, slugs, board and player names, limits and id lists from a
 * fixed list of nasty cases plus a seeded random generator (glob characters, hash-tag braces, colons, CR/LF, NUL,
 * unicode, 10 KB strings), and bodies with wrong types, unknown fields, malformed and huge JSON. Every answer must be
 * 2xx or 4xx, every 4xx a problem document; a key-forming input is answered exactly as its documented rule says (a
 * valid one is never a 400, an invalid one is always a 4xx). Meanwhile {@code MONITOR} on the app's own Redis records
 * every command: every key touched (as Redis computes keys, {@code COMMAND GETKEYS}, also inside scripts) and every key
 * left in the keyspace must lie under one of the service's configured prefixes and consist of printable ASCII without
 * glob characters. 414/431 come from the HTTP codec before any routing, so they carry no problem document.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class BadInputFuzzTest {

    private static final long SEED = 20261126L;
    private static final int RANDOM_VALUES = 140;
    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** A key the service may form: printable ASCII, no space, quote, backslash or glob character. */
    private static final Pattern SAFE_KEY = Pattern.compile("[!#-)+-/0-9;-Z^-~:]+");

    /** Values for any string slot; raw, percent-encoded when they go into a path or query. */
    private static final List<String> NASTY = List.of(
            "",
            " ",
            "abc",
            "-1",
            "0",
            "00",
            "1e3",
            "1.5",
            "+1",
            "0x1F",
            "1,2",
            "99999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "*",
            "?",
            "[",
            "]",
            "[a-z]*",
            "{x}",
            "{",
            "}",
            "a}b{c",
            ":",
            "a:b",
            "cp:users:1",
            "*:*",
            "\r\n",
            "a\r\nFLUSHALL\r\n",
            "\n",
            "\r",
            "\t",
            " 1",
            "1 ",
            "a b",
            "\u0000",
            "a\u0000b",
            "\u007f",
            "ü",
            "名前",
            "emoji😀",
            "\u202eevil",
            "\uFEFFbom",
            "a/b",
            "a\\b",
            "%",
            "%00",
            "\"",
            "'",
            "<script>",
            "null",
            "true",
            "-",
            "_",
            "-a",
            "_a",
            "A-1",
            "sku.1",
            "Sku_1",
            "UPPER",
            "a".repeat(64),
            "a".repeat(65),
            "a".repeat(100),
            "a".repeat(101),
            "9".repeat(18),
            "9".repeat(19),
            "9".repeat(10_000),
            "x".repeat(10_000));

    /** Path segments sent exactly as written (already percent-encoded, some invalid after decoding). */
    private static final List<String> VERBATIM = List.of(
            "%0d%0a", "%0D%0AFLUSHALL", "%00", "%2F", "a%2Fb", "%2e%2e%2f", "%25", "%c3%28", "%ff", "%7Bx%7D", "%2A");

    private static final String RANDOM_ALPHABET = "abcxyzABCXYZ0189-_.:*?[]{}\\/%\r\n\t \u0000ü€😀\"'<>|^`~!@#$&()+=;,";

    private static final String WRONG_TYPES_LIST =
            "\"1\"|1.5|true|false|[]|{}|null|1e300|99999999999999999999|-9223372036854775809|\"\"";

    @TestHTTPResource("/")
    URI base;

    @Inject
    UsersCacheConfig users;

    @Inject
    InventoryCacheConfig inventory;

    @Inject
    PostsCacheConfig posts;

    @Inject
    PostsWriteBehindConfig writeBehind;

    @Inject
    LeaderboardsCacheConfig leaderboards;

    @Inject
    RedisResilienceConfig redisConfig;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<String> failures = new ArrayList<>();
    private int requests;
    private String lastTarget = "";

    /** One value for a path or query slot: how it is sent, and the raw value the service sees. */
    private record Slot(String encoded, String raw, boolean dotSegment) {}

    @Test
    void everyEndpointAnswersBadInputWith4xxAndTouchesOnlyTheServicesKeys() {
        List<String> prefixes = List.of(
                users.keyPrefix(),
                inventory.keyPrefix(),
                posts.keyPrefix(),
                writeBehind.keyPrefix(),
                leaderboards.keyPrefix());
        // Data that valid-but-odd inputs can find.
        send("PUT", "/inventory/Sku_1", "{\"name\":\"Fuzz\",\"quantity\":1000000}", "application/json");
        send(
                "POST",
                "/posts",
                "{\"slug\":\"fuzz\",\"title\":\"Fuzz\",\"body\":\"b\",\"authorId\":1}",
                "application/json");
        send("POST", "/leaderboards/fuzz/scores", "{\"player\":\"p1\",\"points\":5}", "application/json");

        List<Slot> slots = slots();
        long started = System.nanoTime();
        List<RedisMonitor.Command> commands;
        try (RedisMonitor monitor = RedisMonitor.start(OwnRedisResource.server().port())) {
            fuzzPaths(slots);
            fuzzBodies(new Random(SEED));
            commands = monitor.drain();
            checkKeys(monitor, commands, prefixes);
        }
        System.out.printf(
                "fuzz: %d requests, %d Redis commands recorded, %d s%n",
                requests,
                commands.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());

        try (RedisWire wire = RedisWire.connect(OwnRedisResource.server().port())) {
            for (String key : wire.scanAll()) {
                checkKey("keyspace", key, prefixes);
            }
        }
        assertThat(requests).isGreaterThan(2_000);
        assertThat(failures).as("%d failures", failures.size()).isEmpty();
    }

    private void fuzzPaths(List<Slot> slots) {
        for (Slot s : slots) {
            // Users: ids.
            Predicate<Integer> id = rule(s, BadInputFuzzTest::isId);
            expect("GET /users/{id}", send("GET", "/users/" + s.encoded()), id);
            expect(
                    "PUT /users/{id}",
                    send(
                            "PUT",
                            "/users/" + s.encoded(),
                            "{\"name\":\"n\",\"email\":\"n@example.com\",\"avatarUrl\":\"https://x.example/a.png\"}",
                            "application/json"),
                    id);
            expect("DELETE /users/{id}", send("DELETE", "/users/" + s.encoded()), id);
            expect("GET /users?ids", send("GET", "/users?ids=" + s.encoded() + "," + s.encoded()), noServerError());
            // Inventory: SKUs.
            Predicate<Integer> sku = rule(s, raw -> SKU.matcher(raw).matches());
            expect("GET /inventory/{sku}", send("GET", "/inventory/" + s.encoded()), sku);
            expect(
                    "PUT /inventory/{sku}",
                    send("PUT", "/inventory/" + s.encoded(), "{\"name\":\"n\",\"quantity\":1}", "application/json"),
                    sku);
            expect(
                    "POST /inventory/{sku}/reservations",
                    send("POST", "/inventory/" + s.encoded() + "/reservations", "{\"quantity\":1}", "application/json"),
                    sku);
            // Posts: slugs.
            Predicate<Integer> slug = rule(s, raw -> SLUG.matcher(raw).matches());
            expect("GET /posts/{slug}", send("GET", "/posts/" + s.encoded()), slug);
            expect("POST /posts/{slug}/views", send("POST", "/posts/" + s.encoded() + "/views"), slug);
            expect("POST /posts/{slug}/likes", send("POST", "/posts/" + s.encoded() + "/likes"), slug);
            // Leaderboards: board and player names, limits.
            Predicate<Integer> name = rule(s, raw -> NAME.matcher(raw).matches());
            expect(
                    "POST /leaderboards/{board}/scores",
                    send(
                            "POST",
                            "/leaderboards/" + s.encoded() + "/scores",
                            "{\"player\":\"p1\",\"points\":1}",
                            "application/json"),
                    name);
            expect("GET /leaderboards/{board}", send("GET", "/leaderboards/" + s.encoded() + "?limit=3"), name);
            expect(
                    "GET /leaderboards/{board}/players/{player}",
                    send("GET", "/leaderboards/" + s.encoded() + "/players/p1"),
                    name);
            expect(
                    "GET /leaderboards/fuzz/players/{player}",
                    send("GET", "/leaderboards/fuzz/players/" + s.encoded()),
                    name);
            expect("GET /leaderboards/{board}/stream", send("GET", "/leaderboards/" + s.encoded() + "/stream"), name);
            // An empty limit is no limit (the default); the path rules do not apply to a query parameter.
            Predicate<Integer> limit = s.raw() == null
                    ? status -> status >= 400 && status < 500
                    : s.raw().isEmpty() || isLimit(s.raw())
                            ? status -> status == 200
                            : status -> status == 400 || status == 414;
            expect("GET /leaderboards/fuzz?limit", send("GET", "/leaderboards/fuzz?limit=" + s.encoded()), limit);
            expect(
                    "GET /leaderboards/fuzz/stream?limit",
                    send("GET", "/leaderboards/fuzz/stream?limit=" + s.encoded()),
                    limit);
        }
        // Id lists: too many, empty elements, and the largest allowed.
        expect("GET /users?ids (101)", send("GET", "/users?ids=" + "1,".repeat(100) + "1"), status -> status == 400);
        expect("GET /users?ids (100)", send("GET", "/users?ids=" + "1,".repeat(99) + "1"), status -> status == 200);
        expect("GET /users?ids (empty element)", send("GET", "/users?ids=1,,2"), status -> status == 400);
        expect("GET /users?ids (missing)", send("GET", "/users"), status -> status == 400);
        expect("GET /dashboard/stats", send("GET", "/dashboard/stats?x=%0d%0a"), status -> status == 200);
    }

    private void fuzzBodies(Random random) {
        List<String> wrongTypes = List.of(WRONG_TYPES_LIST.split("\\|"));
        List<String> strings = new ArrayList<>(NASTY);
        for (int i = 0; i < 40; i++) {
            strings.add(randomString(random));
        }
        for (String value : strings) {
            String json = json(value);
            // Key-forming body fields follow their rule exactly.
            expect(
                    "POST /posts slug",
                    send(
                            "POST",
                            "/posts",
                            "{\"slug\":" + json + ",\"title\":\"t\",\"body\":\"b\",\"authorId\":1}",
                            "application/json"),
                    SLUG.matcher(value).matches() ? status -> status == 201 || status == 409 : status -> status == 400);
            expect(
                    "POST /leaderboards/fuzz/scores player",
                    send(
                            "POST",
                            "/leaderboards/fuzz/scores",
                            "{\"player\":" + json + ",\"points\":1}",
                            "application/json"),
                    NAME.matcher(value).matches() ? status -> status == 200 : status -> status == 400);
            // Free-text fields: accepted or a 4xx, never a 5xx.
            expect(
                    "POST /users name",
                    send(
                            "POST",
                            "/users",
                            "{\"name\":" + json + ",\"email\":\"f" + random.nextInt(1_000_000_000)
                                    + "@example.com\",\"avatarUrl\":" + json + "}",
                            "application/json"),
                    status -> status < 500);
            expect(
                    "PUT /inventory/Sku_1 name",
                    send("PUT", "/inventory/Sku_1", "{\"name\":" + json + ",\"quantity\":5}", "application/json"),
                    status -> status < 500);
        }
        for (String wrong : wrongTypes) {
            expect(
                    "POST /users wrong type",
                    send("POST", "/users", "{\"name\":" + wrong + ",\"email\":" + wrong + "}", "application/json"),
                    status -> status == 400);
            expect(
                    "PUT /inventory quantity",
                    send("PUT", "/inventory/Sku_1", "{\"name\":\"n\",\"quantity\":" + wrong + "}", "application/json"),
                    status -> status == 400);
            expect(
                    "POST reservations quantity",
                    send("POST", "/inventory/Sku_1/reservations", "{\"quantity\":" + wrong + "}", "application/json"),
                    status -> status == 400);
            expect(
                    "POST /posts authorId",
                    send(
                            "POST",
                            "/posts",
                            "{\"slug\":\"w\",\"title\":\"t\",\"body\":\"b\",\"authorId\":" + wrong + "}",
                            "application/json"),
                    status -> status == 400);
            expect(
                    "POST scores points",
                    send(
                            "POST",
                            "/leaderboards/fuzz/scores",
                            "{\"player\":\"p\",\"points\":" + wrong + "}",
                            "application/json"),
                    status -> status == 400);
            if (!wrong.startsWith("\"")) { // a JSON string is a name, judged by the name rule above
                expect(
                        "POST scores player type",
                        send(
                                "POST",
                                "/leaderboards/fuzz/scores",
                                "{\"player\":" + wrong + ",\"points\":1}",
                                "application/json"),
                        status -> status == 400);
            }
        }
        List<String> malformed = List.of(
                "",
                "{",
                "[]",
                "null",
                "\"text\"",
                "{\"a\":",
                "{}",
                "{\"quantity\":1,\"quantity\":2,\"extra\":true}",
                "{\"__proto__\":{},\"quantity\":1}",
                "[".repeat(5_000) + "]".repeat(5_000),
                "{\"name\":\"" + "x".repeat(70_000) + "\"}");
        for (String path : List.of(
                "/users",
                "/users/1",
                "/inventory/Sku_1",
                "/inventory/Sku_1/reservations",
                "/posts",
                "/leaderboards/fuzz/scores")) {
            String method = path.equals("/users/1") || path.equals("/inventory/Sku_1") ? "PUT" : "POST";
            for (String body : malformed) {
                expect(
                        method + " " + path + " malformed",
                        send(method, path, body, "application/json"),
                        status -> status >= 400);
            }
            expect(
                    method + " " + path + " text/plain",
                    send(method, path, "{}", "text/plain"),
                    status -> status >= 400);
            expect(method + " " + path + " no type", send(method, path, "{}", null), status -> status >= 400);
        }
    }

    /** The fixed cases, the already-encoded ones, then the seeded random ones (a few valid-looking among them). */
    private static List<Slot> slots() {
        List<Slot> slots = new ArrayList<>();
        for (String raw : NASTY) {
            slots.add(new Slot(encode(raw), raw, false));
        }
        for (String verbatim : VERBATIM) {
            slots.add(new Slot(verbatim, null, false));
        }
        slots.add(new Slot(".", null, true));
        slots.add(new Slot("..", null, true));
        Random random = new Random(SEED);
        for (int i = 0; i < RANDOM_VALUES; i++) {
            String raw = randomString(random);
            slots.add(new Slot(encode(raw), raw, false));
        }
        return slots;
    }

    private static String randomString(Random random) {
        int shape = random.nextInt(10);
        if (shape == 0) {
            return String.valueOf(random.nextLong());
        }
        if (shape == 1) {
            return randomOf(random, "abcdefghijklmnopqrstuvwxyz0123456789-", 1 + random.nextInt(80));
        }
        if (shape == 2) {
            return randomOf(random, "ABCXYZabcxyz0189_-.", 1 + random.nextInt(70));
        }
        int length = shape == 3 ? 150 + random.nextInt(300) : random.nextInt(40);
        return randomOf(random, RANDOM_ALPHABET, length);
    }

    private static String randomOf(Random random, String alphabet, int length) {
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return out.toString();
    }

    /**
     * Valid by {@code rule}: never a 400 (found or not found); invalid: always a 4xx. Segments the server normalises
     * away ({@code .}, {@code ..}, empty) address another route, so only "no 5xx" holds for them.
     */
    private static Predicate<Integer> rule(Slot slot, Predicate<String> rule) {
        if (slot.dotSegment() || "".equals(slot.raw())) {
            return status -> status < 500;
        }
        if (slot.raw() == null) {
            return status -> status >= 400 && status < 500;
        }
        return rule.test(slot.raw())
                ? status -> status < 500 && status != 400
                : status -> status >= 400 && status < 500;
    }

    /** The documented id rule: 1-18 digits, positive. */
    private static boolean isId(String raw) {
        return raw.length() >= 1
                && raw.length() <= 18
                && raw.chars().allMatch(c -> c >= '0' && c <= '9')
                && Long.parseLong(raw) > 0;
    }

    /** The documented limit rule: an integer from 1 to 100 (at most 4 characters). */
    private static boolean isLimit(String raw) {
        return raw.length() <= 4
                && raw.chars().allMatch(c -> c >= '0' && c <= '9')
                && Integer.parseInt(raw) >= 1
                && Integer.parseInt(raw) <= 100;
    }

    /** Id lists are trimmed and split, so only "never a 5xx" is checked for them here (UserBadInputTest has the rules). */
    private static Predicate<Integer> noServerError() {
        return status -> status < 500;
    }

    private record Answer(int status, String contentType, String body) {}

    private void expect(String what, Answer answer, Predicate<Integer> rule) {
        if (answer.status() < 0 || answer.status() >= 500 || !rule.test(answer.status())) {
            failures.add(what + " -> " + answer.status() + " " + abbreviate(answer.body()) + " [" + lastTarget + "]");
            return;
        }
        if (answer.status() >= 400 && answer.status() != 414 && answer.status() != 431) {
            if (answer.contentType() == null || !answer.contentType().startsWith("application/problem+json")) {
                failures.add(what + " -> " + answer.status() + " without a problem document: " + answer.contentType()
                        + " " + abbreviate(answer.body()) + " [" + lastTarget + "]");
            }
        }
    }

    private Answer send(String method, String path) {
        return send(method, path, null, null);
    }

    private Answer send(String method, String pathAndQuery, String body, String contentType) {
        requests++;
        lastTarget = method + " " + abbreviate(pathAndQuery);
        if (pathAndQuery.length() > 4_000) {
            return sendRaw(method, pathAndQuery, body, contentType);
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(20));
        } catch (IllegalArgumentException e) {
            failures.add("the test built an invalid URI: " + abbreviate(pathAndQuery));
            return new Answer(400, Problem.MEDIA_TYPE, "");
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<InputStream> reply = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = reply.headers().firstValue("Content-Type").orElse(null);
            try (InputStream in = reply.body()) {
                // A valid stream never ends: its status and type are the answer.
                String text = type != null && type.startsWith("text/event-stream")
                        ? ""
                        : new String(in.readNBytes(100_000), StandardCharsets.UTF_8);
                return new Answer(reply.statusCode(), type, text);
            }
        } catch (IOException e) {
            return new Answer(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, null, "interrupted");
        }
    }

    /**
     * Over a plain socket: a request line over the codec's limit is answered with 414 and a closed connection, which
     * the JDK client reports as a broken exchange instead of a status.
     */
    private Answer sendRaw(String method, String pathAndQuery, String body, String contentType) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\nContent-Length: ")
                .append(payload.length)
                .append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            try {
                socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(payload);
                socket.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // The server may answer and close before it read everything: its answer is still there to read.
            }
            String reply = new String(socket.getInputStream().readNBytes(100_000), StandardCharsets.UTF_8);
            int headEnd = reply.indexOf("\r\n\r\n");
            String headers = headEnd < 0 ? reply : reply.substring(0, headEnd);
            String type = null;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    type = line.substring("content-type:".length()).trim();
                }
            }
            int status = Integer.parseInt(headers.substring(9, 12));
            return new Answer(status, type, headEnd < 0 ? "" : reply.substring(headEnd + 4));
        } catch (IOException | RuntimeException e) {
            return new Answer(-1, null, e.toString());
        }
    }

    private void checkKeys(RedisMonitor monitor, List<RedisMonitor.Command> commands, List<String> prefixes) {
        Map<List<String>, List<String>> keys = monitor.keysOf(commands);
        for (RedisMonitor.Command command : commands) {
            for (String key : keys.getOrDefault(command.args(), List.of())) {
                checkKey(command.name(), key, prefixes);
            }
            // Fill announcements carry a key name as their message.
            if (command.name().equals("PUBLISH") && command.args().get(1).equals(redisConfig.fillChannel())) {
                checkKey("PUBLISH " + redisConfig.fillChannel(), command.args().get(2), prefixes);
            }
        }
    }

    private void checkKey(String where, String key, List<String> prefixes) {
        boolean prefixed = prefixes.stream().anyMatch(prefix -> key.startsWith(prefix + ":"));
        if (!prefixed || !SAFE_KEY.matcher(key).matches()) {
            failures.add(where + " touched key '"
                    + abbreviate(key).replace("\r", "\\r").replace("\n", "\\n") + "'");
        }
    }

    private static String encode(String raw) {
        StringBuilder out = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 120 ? text : text.substring(0, 120) + "…(" + text.length() + ")";
    }
}
