package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.FailureReason;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.testing.Exposition;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mapping from DTR bodies to metrics, without a socket. Values are checked against the fixture
 * read independently with Jackson's tree model, series by series, so that a field mapped from the
 * wrong place or a series too many fails.
 */
class ProbeMetricsTest {
    private static final JsonMapper JSON = new JsonMapper();

    /** Every cluster_status fixture that is a cluster status ({} is not). */
    static Stream<Fixtures> clusterStatusFixtures() {
        return Arrays.stream(Fixtures.values()).filter(fixture -> fixture.file().startsWith("cluster_status-")
                && fixture != Fixtures.CLUSTER_STATUS_EMPTY_OBJECT);
    }

    @ParameterizedTest
    @MethodSource("clusterStatusFixtures")
    void everyClusterStatusMetricEqualsTheFieldItIsNamedFor(Fixtures fixture) throws IOException {
        JsonNode body = JSON.readTree(fixture.bytes());
        Exposition metrics = render(clusterStatus(fixture), Optional.empty());
        Map<String, Integer> expectedSeries = new HashMap<>();

        for (JsonNode row : body.path("rethink_system_tables").path("stats")) {
            String kind = row.path("id").path(0).asText();
            JsonNode query = row.path("query_engine");
            if (row.has("error")) {
                continue;
            }
            switch (kind) {
                case "cluster" -> {
                    expect(metrics, expectedSeries, query.path("client_connections"), "dtr_cluster_client_connections");
                    expect(metrics, expectedSeries, query.path("clients_active"), "dtr_cluster_clients_active");
                    expect(metrics, expectedSeries, query.path("queries_per_sec"), "dtr_cluster_queries_per_second");
                    expect(metrics, expectedSeries, query.path("read_docs_per_sec"), "dtr_cluster_docs_per_second", "operation", "read");
                    expect(metrics, expectedSeries, query.path("written_docs_per_sec"), "dtr_cluster_docs_per_second", "operation", "written");
                }
                case "server" -> {
                    String replica = replica(row.path("server").asText());
                    expect(metrics, expectedSeries, query.path("client_connections"), "dtr_server_client_connections", "replica", replica);
                    expect(metrics, expectedSeries, query.path("clients_active"), "dtr_server_clients_active", "replica", replica);
                    expect(metrics, expectedSeries, query.path("queries_per_sec"), "dtr_server_queries_per_second", "replica", replica);
                    expect(metrics, expectedSeries, query.path("queries_total"), "dtr_server_queries_total", "replica", replica);
                    expect(metrics, expectedSeries, query.path("read_docs_per_sec"), "dtr_server_docs_per_second", "replica", replica, "operation", "read");
                    expect(metrics, expectedSeries, query.path("written_docs_per_sec"), "dtr_server_docs_per_second", "replica", replica, "operation", "written");
                    expect(metrics, expectedSeries, query.path("read_docs_total"), "dtr_server_docs_total", "replica", replica, "operation", "read");
                    expect(metrics, expectedSeries, query.path("written_docs_total"), "dtr_server_docs_total", "replica", replica, "operation", "written");
                }
                case "table" -> {
                    String db = row.path("db").asText();
                    String table = row.path("table").asText();
                    expect(metrics, expectedSeries, query.path("read_docs_per_sec"), "dtr_table_docs_per_second", "db", db, "table", table, "operation", "read");
                    expect(metrics, expectedSeries, query.path("written_docs_per_sec"), "dtr_table_docs_per_second", "db", db, "table", table, "operation", "written");
                }
                case "table_server" -> {
                    String[] l = {"db", row.path("db").asText(), "table", row.path("table").asText(),
                        "replica", replica(row.path("server").asText())};
                    JsonNode storage = row.path("storage_engine");
                    JsonNode space = storage.path("disk").path("space_usage");
                    expect(metrics, expectedSeries, storage.path("cache").path("in_use_bytes"), "dtr_tablereplica_cache_bytes", l);
                    expect(metrics, expectedSeries, space.path("data_bytes"), "dtr_tablereplica_data_bytes", l);
                    expect(metrics, expectedSeries, space.path("garbage_bytes"), "dtr_tablereplica_garbage_bytes", l);
                    expect(metrics, expectedSeries, space.path("metadata_bytes"), "dtr_tablereplica_metadata_bytes", l);
                    expect(metrics, expectedSeries, space.path("preallocated_bytes"), "dtr_tablereplica_preallocated_bytes", l);
                    expect(metrics, expectedSeries, query.path("read_docs_per_sec"), "dtr_tablereplica_docs_per_second", plus(l, "operation", "read"));
                    expect(metrics, expectedSeries, query.path("written_docs_per_sec"), "dtr_tablereplica_docs_per_second", plus(l, "operation", "written"));
                    expect(metrics, expectedSeries, storage.path("disk").path("read_bytes_per_sec"), "dtr_tablereplica_io", plus(l, "operation", "read"));
                    expect(metrics, expectedSeries, storage.path("disk").path("written_bytes_per_sec"), "dtr_tablereplica_io", plus(l, "operation", "written"));
                }
                default -> throw new AssertionError("fixture has a stats row of kind " + kind);
            }
        }

        JsonNode health = body.path("replica_health");
        long ok = 0;
        for (JsonNode verdict : health) {
            ok += verdict.asText().equals("OK") ? 1 : 0;
        }
        assertEquals(health.size(), metrics.get("dtr_server_count"));
        assertEquals(ok, metrics.get("dtr_server_health_count", "health", "healthy"));
        assertEquals(health.size() - ok, metrics.get("dtr_server_health_count", "health", "unhealthy"));

        JsonNode tables = body.path("rethink_system_tables").path("table_status");
        assertEquals(tables.size(), metrics.get("dtr_table_count"));
        for (JsonNode table : tables) {
            int ready = 0;
            int notReady = 0;
            for (JsonNode shard : table.path("shards")) {
                for (JsonNode replica : shard.path("replicas")) {
                    if (replica.path("state").asText().equals("ready")) {
                        ready++;
                    } else {
                        notReady++;
                    }
                }
            }
            String db = table.path("db").asText();
            String name = table.path("name").asText();
            assertEquals(ready, metrics.get("dtr_table_server_state_count", "db", db, "table", name, "state", "ready"));
            assertEquals(notReady, metrics.get("dtr_table_server_state_count", "db", db, "table", name, "state", "notready"));
        }
        assertEquals(2 * tables.size(), metrics.series("dtr_table_server_state_count").size());

        // no series beyond those the fixture has figures for
        expectedSeries.forEach((name, count) ->
                assertEquals(count, metrics.series(name).size(), name + ": series count"));
    }

    @ParameterizedTest
    @MethodSource("clusterStatusFixtures")
    void everyReplicaTableAndIssueGetsItsOwnSeries(Fixtures fixture) throws IOException {
        JsonNode body = JSON.readTree(fixture.bytes());
        Exposition metrics = render(clusterStatus(fixture), Optional.empty());
        body.path("replica_health").fields().forEachRemaining(e -> assertEquals(
                e.getValue().asText().equals("OK") ? 1.0 : 0.0, metrics.get("dtr_replica_healthy", "replica", e.getKey())));
        int readableTimes = 0;
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) () -> body.path("replica_timestamp").fields()) {
            try {
                double expected = OffsetDateTime.parse(e.getValue().asText()).toEpochSecond();
                assertEquals(expected, metrics.get("dtr_replica_health_timestamp_seconds", "replica", e.getKey()));
                readableTimes++;
            } catch (DateTimeParseException unreadable) {
                assertFalse(metrics.value("dtr_replica_health_timestamp_seconds", "replica", e.getKey()).isPresent(),
                        "an error sentence is no time");
            }
        }
        assertEquals(readableTimes, metrics.series("dtr_replica_health_timestamp_seconds").size());
        body.path("replica_readonly").fields().forEachRemaining(e -> assertEquals(
                e.getValue().asBoolean() ? 1.0 : 0.0, metrics.get("dtr_replica_readonly", "replica", e.getKey())));
        assertEquals(body.path("gc_lock_holder").asText().isEmpty() ? 0 : 1, metrics.get("dtr_gc_lock_held"));

        Map<String, Integer> issues = new HashMap<>();
        body.path("rethink_system_tables").path("current_issues").forEach(issue ->
                issues.merge(issue.path("type").asText() + "/" + issue.path("critical").asBoolean(), 1, Integer::sum));
        Map<Map<String, String>, Double> issueSeries = metrics.series("dtr_rethinkdb_issues");
        assertEquals(issues.size(), issueSeries.size());
        issueSeries.forEach((labels, count) ->
                assertEquals(issues.get(labels.get("type") + "/" + labels.get("critical")), count.intValue()));

        JsonNode tables = body.path("rethink_system_tables").path("table_status");
        for (JsonNode table : tables) {
            for (String flag : new String[] {"all_replicas_ready", "ready_for_reads", "ready_for_writes",
                "ready_for_outdated_reads"}) {
                assertEquals(table.path("status").path(flag).asBoolean() ? 1.0 : 0.0, metrics.get("dtr_table_status",
                        "db", table.path("db").asText(), "table", table.path("name").asText(), "status", flag));
            }
        }
        assertEquals(4 * tables.size(), metrics.series("dtr_table_status").size());
    }

    @Test
    void aRunningGarbageCollectionShowsInTheLockTheReadOnlyReplicaAndTheCriticalIssue() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_GC_RUNNING), Optional.empty());
        JsonNode body = JSON.readTree(Fixtures.CLUSTER_STATUS_GC_RUNNING.bytes());
        assertEquals(1, metrics.get("dtr_gc_lock_held"));
        assertEquals(1, metrics.series("dtr_replica_readonly").values().stream().filter(v -> v == 1).count());
        body.path("replica_readonly").fields().forEachRemaining(e -> {
            if (e.getValue().asBoolean()) {
                assertEquals(1, metrics.get("dtr_replica_readonly", "replica", e.getKey()));
            }
        });
        assertEquals(1, metrics.get("dtr_rethinkdb_issues", "type", "memory_error", "critical", "true"));
        assertEquals(1, metrics.get("dtr_rethinkdb_issues", "type", "outdated_index", "critical", "false"));
    }

    @Test
    void theEarliestCertificateExpiryOfTheCallsIsExported() throws IOException {
        Instant soon = Instant.parse("2026-12-01T00:00:00Z");
        ProbeResult result = new ProbeResult(List.of(
                ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, Duration.ofMillis(4), clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY))
                        .withCertificateNotAfter(Optional.of(soon.plusSeconds(86400))),
                ApiResult.success(ApiCalls.JOBS, 200, Duration.ofMillis(4), jobs(Fixtures.JOBS))
                        .withCertificateNotAfter(Optional.of(soon))),
                Duration.ofMillis(5), Duration.ofSeconds(10));
        Exposition metrics = Exposition.parse(write(result));
        assertEquals(soon.getEpochSecond(), metrics.get("dtr_tls_cert_not_after_timestamp_seconds"));
    }

    @Test
    void theNewestJobOfEachActionAndStatusIsTimestamped() throws IOException {
        JsonNode body = JSON.readTree(Fixtures.JOBS.bytes());
        Map<String, Double> newest = new HashMap<>();
        body.path("jobs").forEach(job -> newest.merge(job.path("action").asText() + "/" + job.path("status").asText(),
                (double) OffsetDateTime.parse(job.path("lastUpdated").asText()).toEpochSecond(), Math::max));
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY), Optional.of(jobs(Fixtures.JOBS)));
        Map<Map<String, String>, Double> series = metrics.series("dtr_job_latest_timestamp_seconds");
        assertEquals(newest.size(), series.size());
        series.forEach((labels, time) ->
                assertEquals(newest.get(labels.get("action") + "/" + labels.get("status")), time, labels.toString()));
    }

    @Test
    void anUnhealthyReplicaIsCountedAsUnhealthyEvenAfterAHealthyOne() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA), Optional.empty());
        // the fixture's second replica is sick, its first and third are OK
        assertEquals(2, metrics.get("dtr_server_health_count", "health", "healthy"));
        assertEquals(1, metrics.get("dtr_server_health_count", "health", "unhealthy"));
    }

    @Test
    void replicasAreCountedOverEveryShard() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_MULTI_SHARD), Optional.empty());
        // tags: 2 shards x 3 replicas, one backfilling; jobs: 3 shards x 3, one waiting_for_primary
        assertEquals(5, metrics.get("dtr_table_server_state_count", "db", "dtr2", "table", "tags", "state", "ready"));
        assertEquals(1, metrics.get("dtr_table_server_state_count", "db", "dtr2", "table", "tags", "state", "notready"));
        assertEquals(8, metrics.get("dtr_table_server_state_count", "db", "jobrunner", "table", "jobs", "state", "ready"));
        assertEquals(1, metrics.get("dtr_table_server_state_count", "db", "jobrunner", "table", "jobs", "state", "notready"));
    }

    @Test
    void timedOutStatsRowsExportNothingButTheError() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_STATS_TIMEOUT), Optional.empty());
        String slow = "ea7b5eb561a4"; // the fixture's third replica
        assertEquals(1, metrics.get("dtr_server_stats_error", "replica", slow));
        assertEquals(2, metrics.series("dtr_server_stats_error").values().stream().filter(v -> v == 0).count());
        for (String name : metrics.names()) {
            if (name.equals("dtr_server_stats_error") || name.startsWith("dtr_replica_")) {
                continue; // the error itself, and replica_health's verdicts, which are not stats
            }
            metrics.series(name).keySet().forEach(labels ->
                    assertFalse(slow.equals(labels.get("replica")), name + " has a series for the timed-out replica"));
        }
        assertEquals(2, metrics.series("dtr_server_client_connections").size());
    }

    @Test
    void aServerNameOfAnotherShapeIsTheReplicaLabelAsItIs() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_ODD_SERVER_NAME), Optional.empty());
        assertTrue(metrics.value("dtr_server_client_connections", "replica", "rethinkdbprimary").isPresent());
        assertTrue(metrics.value("dtr_tablereplica_data_bytes", "db", "dtr2", "table", "tags",
                "replica", "rethinkdbprimary").isPresent());
    }

    @Test
    void anUnreadableReplicaTimestampDoesNotFailTheProbe() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_BAD_TIMESTAMP), Optional.empty());
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(3, metrics.get("dtr_server_count"));
    }

    @Test
    void growingTotalsAreCountersAndTheOldCountNamesStayGauges() throws IOException {
        String text = text(clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY), Optional.of(jobs(Fixtures.JOBS)));
        assertTrue(text.contains("# TYPE dtr_server_docs_total counter"), text);
        assertTrue(text.contains("# TYPE dtr_server_queries_total counter"));
        assertTrue(text.contains("# TYPE dtr_job_total gauge"));
        assertTrue(text.contains("# TYPE dtr_server_count gauge"));
    }

    @Test
    void jobsAreCountedByActionAndStatus() throws IOException {
        JsonNode body = JSON.readTree(Fixtures.JOBS.bytes());
        Map<String, Integer> expected = new HashMap<>();
        body.path("jobs").forEach(job ->
                expected.merge(job.path("action").asText() + "/" + job.path("status").asText(), 1, Integer::sum));
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY), Optional.of(jobs(Fixtures.JOBS)));
        Map<Map<String, String>, Double> series = metrics.series("dtr_job_total");
        assertEquals(expected.size(), series.size());
        series.forEach((labels, value) ->
                assertEquals(expected.get(labels.get("action") + "/" + labels.get("status")), value.intValue(), labels.toString()));
        assertEquals(body.path("jobs").size(), series.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    @Test
    void aNullJobListCountsNoJobs() throws IOException {
        Exposition metrics = render(clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY), Optional.of(jobs(Fixtures.JOBS_NULL)));
        assertEquals(1, metrics.get("dtr_up"));
        assertFalse(metrics.has("dtr_job_total"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "jobs"));
    }

    @Test
    void aFailedCallKeepsTheOtherCallsMetricsAndSaysWhy() throws IOException {
        ApiResult<ClusterStatus> failed = ApiResult.failure(ApiCalls.CLUSTER_STATUS, 403, Duration.ofMillis(12),
                FailureReason.FORBIDDEN, "HTTP 403");
        ApiResult<JobList> jobs = ApiResult.success(ApiCalls.JOBS, 200, Duration.ofMillis(30), jobs(Fixtures.JOBS));
        Exposition metrics = Exposition.parse(write(new ProbeResult(List.of(failed, jobs), Duration.ofMillis(31), Duration.ofSeconds(10))));
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(0, metrics.get("dtr_api_up", "api", "cluster_status"));
        assertEquals(403, metrics.get("dtr_api_status_code", "api", "cluster_status"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "forbidden"));
        assertEquals(1, metrics.series("dtr_api_error_info").size());
        assertEquals(0.012, metrics.get("dtr_api_duration_seconds", "api", "cluster_status"), 1e-9);
        assertEquals(0.031, metrics.get("dtr_scrape_latency"), 1e-9);
        assertEquals(1, metrics.get("dtr_api_up", "api", "jobs"));
        assertTrue(metrics.has("dtr_job_total"));
        assertFalse(metrics.has("dtr_server_count"));
    }

    private static void expect(Exposition metrics, Map<String, Integer> seriesCount, JsonNode field, String name,
                               String... labels) {
        assertTrue(field.isNumber(), "fixture lacks the field for " + Exposition.key(name, labels));
        assertEquals(field.asDouble(), metrics.get(name, labels), Exposition.key(name, labels));
        seriesCount.merge(name, 1, Integer::sum);
    }

    private static String replica(String server) {
        return server.startsWith("dtr_rethinkdb_") ? server.substring("dtr_rethinkdb_".length()) : server;
    }

    private static String[] plus(String[] labels, String name, String value) {
        String[] all = Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }

    static ClusterStatus clusterStatus(Fixtures fixture) throws IOException {
        return ResponseParsers.clusterStatus(new ByteArrayInputStream(fixture.bytes()));
    }

    static JobList jobs(Fixtures fixture) throws IOException {
        return ResponseParsers.jobs(new ByteArrayInputStream(fixture.bytes()));
    }

    private static Exposition render(ClusterStatus status, Optional<JobList> jobs) throws IOException {
        return Exposition.parse(text(status, jobs));
    }

    private static String text(ClusterStatus status, Optional<JobList> jobs) throws IOException {
        List<ApiResult<?>> calls = new ArrayList<>();
        calls.add(ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, Duration.ofMillis(40), status));
        jobs.ifPresent(j -> calls.add(ApiResult.success(ApiCalls.JOBS, 200, Duration.ofMillis(20), j)));
        ProbeResult result = new ProbeResult(calls, Duration.ofMillis(41), Duration.ofSeconds(10));
        return write(result);
    }

    private static String write(ProbeResult result) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, ProbeMetrics.of(result));
        return out.toString(StandardCharsets.UTF_8);
    }
}
