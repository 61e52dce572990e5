package dev.cachepatterns.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the JSON statement log of the test's own Postgres ({@code log_min_duration_statement=0}): what the database
 * itself executed, when, and with which parameters, and the errors it logged. Used to prove that loads of one key never
 * overlap, and that a storm never made Postgres refuse a connection.
 */
final class PostgresStatementLog {

    /** One executed statement: when it finished (Postgres' clock, ms precision) and with which parameters. */
    record Execution(Instant finishedAt, double durationMillis, String statement, String parameters) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DURATION =
            Pattern.compile("duration: ([0-9.]+) ms\\s+execute [^:]*: (.*)", Pattern.DOTALL);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Path directory;

    PostgresStatementLog(Path postgresDir) {
        this.directory = postgresDir.resolve("data").resolve("log");
    }

    /** Executions whose statement contains {@code fragment}, finished in [from, to], grouped by their parameters. */
    Map<String, List<Execution>> executionsByParameters(String fragment, Instant from, Instant to) {
        return executions().stream()
                .filter(e -> e.statement().contains(fragment))
                .filter(e -> !e.finishedAt().isBefore(from) && !e.finishedAt().isAfter(to))
                .sorted(Comparator.comparing(Execution::finishedAt))
                .collect(Collectors.groupingBy(Execution::parameters));
    }

    List<Execution> executions() {
        List<Execution> found = new ArrayList<>();
        try {
            for (String line : lines()) {
                parse(line, found);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The messages Postgres logged with {@code sqlState} (e.g. 53300, a connection refused for lack of slots). */
    List<String> errors(String sqlState) {
        List<String> found = new ArrayList<>();
        for (String line : lines()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode entry = JSON.readTree(line);
                if (sqlState.equals(entry.path("state_code").asText())) {
                    found.add(entry.path("timestamp").asText() + " "
                            + entry.path("message").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static void parse(String line, List<Execution> found) throws IOException {
        if (line.isBlank()) {
            return;
        }
        JsonNode entry = JSON.readTree(line);
        Matcher matcher = DURATION.matcher(entry.path("message").asText(""));
        if (!matcher.matches()) {
            return;
        }
        String timestamp = entry.path("timestamp").asText();
        Instant finishedAt =
                LocalDateTime.parse(timestamp.substring(0, 23), TIMESTAMP).toInstant(ZoneOffset.UTC);
        found.add(new Execution(
                finishedAt,
                Double.parseDouble(matcher.group(1)),
                matcher.group(2),
                entry.path("detail").asText("")));
    }
}
