package io.dtrexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dtrexporter.demo.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * The shipped fixtures with every time in them moved by the same amount, so that they look fetched
 * now: the alert rules compare the DTR's times with Prometheus' clock, and the recorded ones are old.
 */
public final class LiveFixtures {
    public static final Set<String> FAILED_STATUSES =
            Set.of("error", "errored", "timeout", "worker_dead", "worker_resurrection", "conflict");

    private static final JsonMapper JSON = new JsonMapper();
    private static final Pattern TIME = Pattern.compile("\"(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)\"");

    private LiveFixtures() {
    }

    /** cluster_status whose newest replica_timestamp is {@code now}. */
    public static ObjectNode clusterStatus(Fixtures fixture, Instant now) {
        JsonNode recorded = read(fixture.bytes());
        Instant newest = StreamSupport.stream(recorded.path("replica_timestamp").spliterator(), false)
                .map(LiveFixtures::instant)
                .filter(Objects::nonNull)
                .max(Instant::compareTo)
                .orElseThrow(() -> new IllegalArgumentException(fixture + " has no replica_timestamp"));
        return shifted(fixture.bytes(), Duration.between(newest, now));
    }

    /** The jobs list moved so that its newest failed job ended {@code lastFailureAgo} before {@code now}. */
    public static ObjectNode jobs(Instant now, Duration lastFailureAgo) {
        JsonNode recorded = read(Fixtures.JOBS.bytes());
        Instant newestFailure = StreamSupport.stream(recorded.path("jobs").spliterator(), false)
                .filter(job -> FAILED_STATUSES.contains(job.path("status").asText()))
                .map(job -> instant(job.path("lastUpdated")))
                .max(Instant::compareTo)
                .orElseThrow(() -> new IllegalArgumentException("the jobs fixture has no failed job"));
        return shifted(Fixtures.JOBS.bytes(), Duration.between(newestFailure, now.minus(lastFailureAgo)));
    }

    /**
     * GET /api/v0/crons of a DTR whose job runner schedules: garbage collection and the scanner's
     * update due within hours (dtr-api.md, "More endpoints").
     */
    public static byte[] crons(Instant now) {
        return crons(onlinegcCron(now.plus(Duration.ofHours(1))), vulnDbCron(now.plus(Duration.ofHours(3))));
    }

    /** GET /api/v0/crons of a DTR whose job runner stopped scheduling: both crons were due hours ago. */
    public static byte[] overdueCrons(Instant now) {
        return crons(onlinegcCron(now.minus(Duration.ofHours(5))), vulnDbCron(now.minus(Duration.ofHours(2))));
    }

    /** GET /api/v0/crons of a DTR where nobody scheduled garbage collection: only the scanner's update. */
    public static byte[] cronsWithoutGc(Instant now) {
        return crons(vulnDbCron(now.plus(Duration.ofHours(3))));
    }

    /** GET /api/v0/imagescan/status of a DTR whose vulnerability database was updated an hour ago. */
    public static byte[] imagescanStatus(Instant now) {
        return imagescanStatus(now.minus(Duration.ofHours(1)), false);
    }

    /** GET /api/v0/imagescan/status with scanning on, its database (and the one replica's copy) of that time. */
    public static byte[] imagescanStatus(Instant dbUpdated, boolean lastUpdateFailed) {
        return ("""
                {"state":0,"scanner_version":3,"scanner_updated_at":"%1$s","db_version":279,"db_updated_at":"%1$s",
                "last_db_update_failed":%2$s,"replicas":{"91b72265b1f5":{"db_updated_at":"%1$s","version":"279",
                "replica_id":"91b72265b1f5"}}}
                """.formatted(time(dbUpdated), lastUpdateFailed)).getBytes(StandardCharsets.UTF_8);
    }

    /** GET /api/v0/docs.json, cut to what says the version. */
    public static byte[] docs() {
        return "{\"swagger\":\"2.0\",\"info\":{\"title\":\"DTR API\",\"version\":\"2.9.4\"},\"paths\":{}}"
                .getBytes(StandardCharsets.UTF_8);
    }

    public static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String onlinegcCron(Instant nextRun) {
        return """
                {"id":"48875b1b-0c35-4c4f-9c4a-0d5b1f0e7a01","action":"onlinegc","schedule":"0 0 1 * * 6",
                "retries":0,"capacityMap":null,"parameters":null,"deadline":"","stopTimeout":"","nextRun":"%s"}"""
                .formatted(time(nextRun));
    }

    private static String vulnDbCron(Instant nextRun) {
        return """
                {"id":"48875b1b-0c35-4c4f-9c4a-0d5b1f0e7a02","action":"update_vuln_db","schedule":"0 30 2 * * *",
                "retries":2,"capacityMap":null,"parameters":null,"deadline":"","stopTimeout":"","nextRun":"%s"}"""
                .formatted(time(nextRun));
    }

    private static byte[] crons(String... crons) {
        return ("{\"crons\":[" + String.join(",", crons) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] bytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode shifted(byte[] body, Duration by) {
        Matcher times = TIME.matcher(new String(body, StandardCharsets.UTF_8));
        StringBuilder moved = new StringBuilder();
        while (times.find()) {
            times.appendReplacement(moved, "\"" + time(Instant.parse(times.group(1)).plus(by)) + "\"");
        }
        times.appendTail(moved);
        return (ObjectNode) read(moved.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Instant instant(JsonNode text) {
        try {
            return Instant.parse(text.asText());
        } catch (DateTimeParseException e) {
            return null; // a replica_timestamp may be an error sentence
        }
    }

    private static JsonNode read(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
