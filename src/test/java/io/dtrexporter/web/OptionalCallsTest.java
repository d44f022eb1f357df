package io.dtrexporter.web;

import static io.dtrexporter.testing.SimulatedDtr.CRONS;
import static io.dtrexporter.testing.SimulatedDtr.DOCS;
import static io.dtrexporter.testing.SimulatedDtr.PING;
import static io.dtrexporter.testing.SimulatedDtr.SCANNING;
import static io.dtrexporter.testing.SimulatedDtr.WORKERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockserver.model.HttpRequest.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional calls: /_ping, /api/v0/workers, imagescan/status, crons and docs.json, on by default,
 * each failing on its own.
 */
class OptionalCallsTest {
    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start();
        exporter = ExporterHarness.start(dir, """
                modules:
                  default:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: [127.0.0.1]
                    allow_plain_http: true
                  lean:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: [127.0.0.1]
                    allow_plain_http: true
                    ping: false
                    workers: false
                    scanning: false
                    crons: false
                    version: false
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD));
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    @BeforeEach
    void reset() {
        dtr.reset();
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
    }

    @Test
    void pingAndWorkersAreReportedWorkerByWorker() throws IOException {
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(1, metrics.get("dtr_ping_healthy"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "ping"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "workers"));
        JsonNode workers = new JsonMapper().readTree(Fixtures.WORKERS.bytes()).path("workers");
        int capacities = 0;
        for (JsonNode worker : workers) {
            String id = worker.path("id").asText();
            assertEquals(worker.path("status").asText().equals("running") ? 1 : 0, metrics.get("dtr_worker_up", "worker", id));
            for (var entry : (Iterable<Map.Entry<String, JsonNode>>) () -> worker.path("capacityMap").fields()) {
                assertEquals(entry.getValue().asDouble(),
                        metrics.get("dtr_worker_capacity", "worker", id, "capacity", entry.getKey()));
                capacities++;
            }
        }
        assertEquals(workers.size(), metrics.series("dtr_worker_up").size());
        assertEquals(capacities, metrics.series("dtr_worker_capacity").size());
        assertTrue(metrics.series("dtr_worker_up").containsValue(0.0), "the fixture has a dead worker");
    }

    @Test
    void anUnhealthyPingIsAnAnswerNotAFailedCall() {
        dtr.answerAnyone(PING, SimulatedDtr.json(503, Fixtures.PING_UNHEALTHY.bytes()));
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(0, metrics.get("dtr_ping_healthy"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "ping"));
        assertEquals(503, metrics.get("dtr_api_status_code", "api", "ping"));
        assertEquals(1, metrics.get("dtr_up"), "every call answered");
    }

    @Test
    void aFailingWorkersCallHidesNothingElse() {
        dtr.answer(WORKERS, SimulatedDtr.error(500, "INTERNAL_ERROR", "boom"));
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "workers", "reason", "http_status"));
        assertFalse(metrics.has("dtr_worker_up"));
        assertEquals(3, metrics.get("dtr_server_count"));
        assertEquals(1, metrics.get("dtr_ping_healthy"));
        assertTrue(metrics.has("dtr_job_total"));
    }

    @Test
    void theCallsCanBeSwitchedOff() {
        Exposition metrics = exporter.probe(dtr.httpTarget(), "lean");
        assertEquals(1, metrics.get("dtr_up"));
        assertFalse(metrics.has("dtr_ping_healthy"));
        assertFalse(metrics.value("dtr_api_up", "api", "workers").isPresent());
        for (String api : new String[] {"ping", "workers", "imagescan", "crons", "version"}) {
            assertFalse(metrics.value("dtr_api_up", "api", api).isPresent(), api);
        }
        assertFalse(metrics.has("dtr_scanning_enabled"));
        assertFalse(metrics.has("dtr_cron_next_run_timestamp_seconds"));
        assertFalse(metrics.has("dtr_build_info"));
        for (String path : new String[] {PING, WORKERS, SCANNING, CRONS, DOCS}) {
            assertEquals(0, dtr.received(request().withPath(path)).length, path);
        }
    }

    @Test
    void theScannerCronsAndVersionOfTheSimulatedDtrAreExported() throws IOException {
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(1, metrics.get("dtr_up"));
        JsonNode scanner = new JsonMapper().readTree(Fixtures.SCANNING.bytes());
        assertEquals(1, metrics.get("dtr_scanning_enabled"));
        assertEquals(scanner.path("db_version").asDouble(), metrics.get("dtr_scanner_db_version"));
        assertEquals(0, metrics.get("dtr_scanner_db_update_failed"));
        assertEquals(Instant.parse(scanner.path("db_updated_at").asText()).toEpochMilli() / 1000.0,
                metrics.get("dtr_scanner_db_updated_timestamp_seconds"), 0.001);
        assertEquals(scanner.path("replicas").size(),
                metrics.series("dtr_scanner_replica_db_updated_timestamp_seconds").size());
        JsonNode crons = new JsonMapper().readTree(Fixtures.CRONS.bytes()).path("crons");
        for (JsonNode cron : crons) {
            assertTrue(metrics.get("dtr_cron_next_run_timestamp_seconds", "action", cron.path("action").asText())
                    <= Instant.parse(cron.path("nextRun").asText()).getEpochSecond());
        }
        String version = new JsonMapper().readTree(Fixtures.DOCS.bytes()).path("info").path("version").asText();
        assertEquals(Map.of(Map.of("version", version), 1.0), metrics.series("dtr_build_info"));
        for (String api : new String[] {"imagescan", "crons", "version"}) {
            assertEquals(1, metrics.get("dtr_api_up", "api", api), api);
        }
    }

    @Test
    void scanningNotEnabledIsAnAnswerWithoutScannerSeries() {
        dtr.answerAnyone(SCANNING, SimulatedDtr.json(400, Fixtures.SCANNING_DISABLED.bytes()));
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(0, metrics.get("dtr_scanning_enabled"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "imagescan"));
        assertEquals(400, metrics.get("dtr_api_status_code", "api", "imagescan"));
        assertEquals(1, metrics.get("dtr_up"), "scanning off is a state, not a failure");
        assertTrue(metrics.names().stream().noneMatch(name -> name.startsWith("dtr_scanner_")), metrics.names().toString());
    }

    @Test
    void anotherErrorOfTheScannerFailsItsCall() {
        dtr.answerAnyone(SCANNING, SimulatedDtr.error(500, "INTERNAL_ERROR", "scanner down"));
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "imagescan", "reason", "http_status"));
        assertFalse(metrics.has("dtr_scanning_enabled"), "unknown, not 0");
    }

    @Test
    void aDtrWithoutAGcCronHasNoGcSeries() {
        dtr.answerAnyone(CRONS, SimulatedDtr.json(200, Fixtures.CRONS_WITHOUT_GC.bytes()));
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(Set.of("license_update", "update_db"), metrics.series("dtr_cron_next_run_timestamp_seconds")
                .keySet().stream().map(labels -> labels.get("action")).collect(Collectors.toSet()));
    }

    @Test
    void aDtrWithNoCronsAtAllHasNoCronSeries() {
        dtr.answerAnyone(CRONS, SimulatedDtr.json(200, "{\"crons\":[]}"));
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(1, metrics.get("dtr_api_up", "api", "crons"));
        assertFalse(metrics.has("dtr_cron_next_run_timestamp_seconds"));
    }
}
