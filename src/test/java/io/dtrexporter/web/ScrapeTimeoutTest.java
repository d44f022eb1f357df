package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.DemoDtr;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The probe's deadline follows Prometheus' scrape timeout; the exporter's own metrics count probes. */
class ScrapeTimeoutTest {
    @TempDir
    static Path dir;
    static DemoDtr dtr;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        dtr = DemoDtr.start();
        exporter = ExporterHarness.start(dir, "modules:\n  default:\n    timeout: 4s\n", "--timeout-offset=0.5");
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    @ParameterizedTest(name = "header {0} -> {1} s")
    @CsvSource({"'', 4", "10, 4", "3, 2.5", "1.5, 1", "0.4, 4"})
    void theDeadlineIsTheSmallerOfModuleTimeoutAndScrapeTimeoutLessTheOffset(String header, double expected) {
        HttpResponse<String> response = header.isEmpty()
                ? exporter.get(ExporterHarness.probePath(dtr.target(), null))
                : exporter.get(ExporterHarness.probePath(dtr.target(), null), "X-Prometheus-Scrape-Timeout-Seconds", header);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(expected, Exposition.parse(response.body()).get("dtr_probe_timeout_seconds"), 1e-9);
    }

    @Test
    void aScrapeTimeoutThatIsNotANumberIs400() {
        HttpResponse<String> response = exporter.get(ExporterHarness.probePath(dtr.target(), null),
                "X-Prometheus-Scrape-Timeout-Seconds", "soon");
        assertEquals(400, response.statusCode());
        assertEquals("X-Prometheus-Scrape-Timeout-Seconds header \"soon\" is not a positive number of seconds\n",
                response.body());
    }

    @Test
    void theExportersOwnMetricsCountProbesByModuleAndResult() {
        Exposition before = Exposition.parse(exporter.get("/metrics").body());
        exporter.probe(dtr.target(), null);
        exporter.probe(dtr.target(), null);
        exporter.probe("http://127.0.0.1:1", null);
        exporter.get(ExporterHarness.probePath(dtr.target(), "nope"));
        Exposition after = Exposition.parse(exporter.get("/metrics").body());
        assertEquals(2, delta(before, after, "dtr_exporter_probes_total", "module", "default", "result", "success"));
        assertEquals(1, delta(before, after, "dtr_exporter_probes_total", "module", "default", "result", "failure"));
        assertEquals(3, delta(before, after, "dtr_exporter_probe_duration_seconds_count", "module", "default"));
        assertEquals(1, delta(before, after, "dtr_exporter_unknown_module_requests_total"));
        assertEquals(0, after.get("dtr_exporter_probes_in_flight"));
        assertEquals(1, after.get("dtr_exporter_config_last_reload_successful"));
        assertTrue(after.get("dtr_exporter_config_last_reload_success_timestamp_seconds") > 1.7e9);
        assertTrue(after.value("dtr_exporter_pool_available_connections", "module", "default").isPresent());
    }

    private static double delta(Exposition before, Exposition after, String name, String... labels) {
        return after.get(name, labels) - before.value(name, labels).orElse(0.0);
    }
}
