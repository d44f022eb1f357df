package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.testing.Exposition;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's metrics, mapped without a socket: why a replica is unhealthy, the failed job statuses,
 * the scanner's freshness and the crons' next runs, checked against the bodies read independently.
 */
class ReasonsAndFreshnessMetricsTest {
    private static final JsonMapper JSON = new JsonMapper();

    /** Each sentence dtr-api.md and the issue name, as DTR writes it, and the reason it gets. */
    private static final Map<String, String> SENTENCES = new LinkedHashMap<>();

    static {
        SENTENCES.put("Failed to connect to container at dtr-rethinkdb-%s:28015: dial tcp 10.0.0.3:28015: connect:"
                + " connection refused", "connection");
        SENTENCES.put("Rethinkdb has issues: [{\"type\":\"table_availability\"}]", "rethinkdb");
        SENTENCES.put("Etcd unhealthy: context deadline exceeded", "etcd");
        SENTENCES.put("Notary unhealthy: notary-server: 503", "notary");
        SENTENCES.put("Failed to get status of replica %s: EOF", "status");
        SENTENCES.put("The replica is sulking", "other");
        SENTENCES.put("", "other");
        SENTENCES.put("ok", "other"); // only exactly OK is healthy
    }

    @Test
    void eachHealthSentenceGivesItsReasonAndAHealthyReplicaNone() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(Fixtures.CLUSTER_STATUS_HEALTHY.bytes());
        ObjectNode health = (ObjectNode) body.path("replica_health");
        String healthy = health.fieldNames().next();
        Map<Map<String, String>, Double> expected = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, String> sentence : SENTENCES.entrySet()) {
            String replica = String.format("%012x", 0xabc000 + i++);
            health.put(replica, sentence.getKey().formatted(replica));
            expected.put(Map.of("replica", replica, "reason", sentence.getValue()), 1.0);
        }
        Exposition metrics = render(ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, Duration.ofMillis(9),
                ResponseParsers.clusterStatus(new ByteArrayInputStream(JSON.writeValueAsBytes(body)))));

        assertEquals(expected, metrics.series("dtr_replica_unhealthy_reason"));
        assertEquals(1, metrics.get("dtr_replica_healthy", "replica", healthy));
        assertEquals(0, metrics.get("dtr_replica_healthy", "replica", String.format("%012x", 0xabc000)));
    }

    @Test
    void theUnhealthyReplicaOfTheFixtureCannotBeConnectedTo() throws IOException {
        JsonNode health = JSON.readTree(Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA.bytes()).path("replica_health");
        Map<Map<String, String>, Double> expected = new HashMap<>();
        health.fields().forEachRemaining(entry -> {
            if (!entry.getValue().asText().equals("OK")) {
                expected.put(Map.of("replica", entry.getKey(), "reason", "connection"), 1.0);
            }
        });
        Exposition metrics = render(ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, Duration.ofMillis(9),
                ProbeMetricsTest.clusterStatus(Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA)));
        assertEquals(1, expected.size(), "the fixture has one unhealthy replica");
        assertEquals(expected, metrics.series("dtr_replica_unhealthy_reason"));
    }

    @Test
    void everyFailedJobStatusHasItsLatestTime() throws IOException {
        List<String> failed = List.of("error", "timeout", "worker_dead", "worker_resurrection", "conflict", "errored");
        Map<List<String>, Double> newest = new HashMap<>();
        for (JsonNode job : JSON.readTree(Fixtures.JOBS.bytes()).path("jobs")) {
            if (failed.contains(job.path("status").asText())) {
                newest.merge(List.of(job.path("action").asText(), job.path("status").asText()),
                        epochSeconds(job.path("lastUpdated").asText()), Math::max);
            }
        }
        Exposition metrics = render(ApiResult.success(ApiCalls.JOBS, 200, Duration.ofMillis(9),
                ProbeMetricsTest.jobs(Fixtures.JOBS)));
        assertEquals(failed.stream().sorted().toList(), newest.keySet().stream().map(key -> key.get(1))
                .distinct().sorted().toList(), "the fixture has a job of every failed status");
        newest.forEach((key, time) -> assertEquals(time, metrics.get("dtr_job_latest_timestamp_seconds",
                "action", key.get(0), "status", key.get(1)), key.toString()));
    }

    @Test
    void theScannerFiguresAreTheStatusFields() throws IOException {
        JsonNode body = JSON.readTree(Fixtures.SCANNING.bytes());
        Exposition metrics = render(ApiResult.success(ApiCalls.SCANNING, 200, Duration.ofMillis(9),
                ResponseParsers.SCANNING.parse(200, new ByteArrayInputStream(Fixtures.SCANNING.bytes()))));
        assertEquals(1, metrics.get("dtr_scanning_enabled"));
        assertEquals(body.path("db_version").asDouble(), metrics.get("dtr_scanner_db_version"));
        assertEquals(epochSeconds(body.path("db_updated_at").asText()),
                metrics.get("dtr_scanner_db_updated_timestamp_seconds"), 1e-6);
        assertEquals(body.path("last_db_update_failed").asBoolean() ? 1 : 0, metrics.get("dtr_scanner_db_update_failed"));
        Map<Map<String, String>, Double> replicas = new HashMap<>();
        body.path("replicas").fields().forEachRemaining(entry -> replicas.put(Map.of("replica", entry.getKey()),
                epochSeconds(entry.getValue().path("db_updated_at").asText())));
        assertEquals(3, replicas.size());
        Map<Map<String, String>, Double> exported = metrics.series("dtr_scanner_replica_db_updated_timestamp_seconds");
        assertEquals(replicas.keySet(), exported.keySet());
        replicas.forEach((labels, time) -> assertEquals(time, exported.get(labels), 1e-6, labels.toString()));
    }

    @Test
    void aFailedDatabaseUpdateIsOne() throws IOException {
        String body = "{\"db_version\": 290, \"db_updated_at\": \"2017-11-17T03:14:02.63437292Z\","
                + " \"last_db_update_failed\": true, \"replicas\": {}}";
        Exposition metrics = render(ApiResult.success(ApiCalls.SCANNING, 200, Duration.ofMillis(9),
                ResponseParsers.SCANNING.parse(200, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))));
        assertEquals(1, metrics.get("dtr_scanner_db_update_failed"));
        assertEquals(290, metrics.get("dtr_scanner_db_version"));
        assertEquals(Instant.parse("2017-11-17T03:14:02Z").getEpochSecond() + 0.63437292,
                metrics.get("dtr_scanner_db_updated_timestamp_seconds"), 1e-6);
        assertFalse(metrics.has("dtr_scanner_replica_db_updated_timestamp_seconds"));
    }

    @Test
    void eachCronActionIsDueAtItsEarliestNextRun() throws IOException {
        Map<Map<String, String>, Double> earliest = new HashMap<>();
        for (JsonNode cron : JSON.readTree(Fixtures.CRONS.bytes()).path("crons")) {
            earliest.merge(Map.of("action", cron.path("action").asText()), epochSeconds(cron.path("nextRun").asText()),
                    Math::min);
        }
        Exposition metrics = render(ApiResult.success(ApiCalls.CRONS, 200, Duration.ofMillis(9),
                ResponseParsers.crons(new ByteArrayInputStream(Fixtures.CRONS.bytes()))));
        assertEquals(earliest, metrics.series("dtr_cron_next_run_timestamp_seconds"));
        assertEquals(epochSeconds("2026-11-20T12:05:00Z"),
                metrics.get("dtr_cron_next_run_timestamp_seconds", "action", "poll_mirror"), "three poll_mirror crons");
    }

    @Test
    void aDtrWithoutAGcCronHasNoSeriesForIt() throws IOException {
        Exposition metrics = render(ApiResult.success(ApiCalls.CRONS, 200, Duration.ofMillis(9),
                ResponseParsers.crons(new ByteArrayInputStream(Fixtures.CRONS_WITHOUT_GC.bytes()))));
        Map<Map<String, String>, Double> series = metrics.series("dtr_cron_next_run_timestamp_seconds");
        assertEquals(2, series.size());
        assertFalse(series.containsKey(Map.of("action", "onlinegc")));
        assertFalse(series.containsKey(Map.of("action", "gc")));
    }

    private static double epochSeconds(String rfc3339) {
        Instant time = Instant.parse(rfc3339);
        return time.getEpochSecond() + time.getNano() / 1e9;
    }

    private static Exposition render(ApiResult<?> call) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, ProbeMetrics.of(
                new ProbeResult(List.of(call), Duration.ofMillis(10), Duration.ofSeconds(10))));
        return Exposition.parse(out.toString(StandardCharsets.UTF_8));
    }
}
