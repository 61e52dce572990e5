package dev.cachepatterns.support.fuzz;

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
import java.util.Random;
import java.util.function.Predicate;

import dev.cachepatterns.support.auth.Tokens;

/**
 * The engine of the bad-input fuzz: nasty values for path and query slots (a fixed list, already-encoded segments and
 * seeded random strings: glob characters, hash-tag braces, colons, CR/LF, NUL, unicode, 10 KB strings), bodies with
 * wrong types, unknown fields, malformed and huge JSON, and the rules an answer is judged by. Every answer must be 2xx
 * or 4xx and every 4xx a problem document (414/431 come from the HTTP codec before any routing, so they carry none).
 * Each example states its own endpoints and rules ({@code ExampleUnderTest.fuzz}); failures are collected, not thrown.
 */
public final class Fuzz {

    static final long SEED = 20261126L;
    private static final int RANDOM_VALUES = 140;
    private static final String PROBLEM_JSON = "application/problem+json";

    /** Values for any string slot; raw, percent-encoded when they go into a path or query. */
    static final List<String> NASTY = List.of(
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
            "cp:products:1",
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

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Random random = new Random(SEED);
    private final List<Slot> slots = allSlots();
    private final List<String> failures = new ArrayList<>();
    private int requests;
    private String lastTarget = "";

    /** One value for a path or query slot: how it is sent, and the raw value the service sees (null: not decodable). */
    public record Slot(String encoded, String raw, boolean dotSegment) {}

    /** What an endpoint answered; status -1 when there was no answer. */
    public record Answer(int status, String contentType, String body) {}

    public Fuzz(URI base) {
        this.base = base;
    }

    /** Values for path segments and query parameters. */
    public List<Slot> slots() {
        return slots;
    }

    /** Values for JSON string fields: the fixed list and 40 seeded random strings. */
    public List<String> strings() {
        List<String> strings = new ArrayList<>(NASTY);
        for (int i = 0; i < 40; i++) {
            strings.add(randomString(random));
        }
        return strings;
    }

    /** JSON values of the wrong type for a string or number field. */
    public List<String> wrongTypes() {
        return List.of(WRONG_TYPES_LIST.split("\\|"));
    }

    public Random random() {
        return random;
    }

    /** Malformed, wrongly typed and untyped bodies for an endpoint that takes JSON: each must be a 4xx. */
    public void malformedBodies(String method, String path) {
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
        for (String body : malformed) {
            expect(method + " " + path + " malformed", send(method, path, body, "application/json"), atLeast(400));
        }
        expect(method + " " + path + " text/plain", send(method, path, "{}", "text/plain"), atLeast(400));
        expect(method + " " + path + " no type", send(method, path, "{}", null), atLeast(400));
    }

    public int requests() {
        return requests;
    }

    public List<String> failures() {
        return failures;
    }

    /** The fixed cases, the already-encoded ones, then the seeded random ones (a few valid-looking among them). */
    private static List<Slot> allSlots() {
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
    public static Predicate<Integer> rule(Slot slot, Predicate<String> rule) {
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

    public static Predicate<Integer> noServerError() {
        return status -> status < 500;
    }

    public static Predicate<Integer> is(int... statuses) {
        return status -> java.util.Arrays.stream(statuses).anyMatch(s -> s == status);
    }

    public static Predicate<Integer> atLeast(int lowest) {
        return status -> status >= lowest;
    }

    public void expect(String what, Answer answer, Predicate<Integer> rule) {
        if (answer.status() < 0 || answer.status() >= 500 || !rule.test(answer.status())) {
            failures.add(what + " -> " + answer.status() + " " + abbreviate(answer.body()) + " [" + lastTarget + "]");
            return;
        }
        if (answer.status() >= 400 && answer.status() != 414 && answer.status() != 431) {
            if (answer.contentType() == null || !answer.contentType().startsWith(PROBLEM_JSON)) {
                failures.add(what + " -> " + answer.status() + " without a problem document: " + answer.contentType()
                        + " " + abbreviate(answer.body()) + " [" + lastTarget + "]");
            }
        }
    }

    public Answer send(String method, String path) {
        return send(method, path, null, null);
    }

    public Answer send(String method, String pathAndQuery, String body, String contentType) {
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
            return new Answer(400, PROBLEM_JSON, "");
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        // Authenticated, so bad input reaches the validation behind the role check (WriteAuthorizationTest has the
        // 401s).
        request.header("Authorization", Tokens.bearerWriter());
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
                .append("Host: localhost\r\nConnection: close\r\nAuthorization: ")
                .append(Tokens.bearerWriter())
                .append("\r\nContent-Length: ")
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

    public static String encode(String raw) {
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

    public static String json(String value) {
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
