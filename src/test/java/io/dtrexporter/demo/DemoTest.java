package io.dtrexporter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --demo: a new user's first click on the landing page shows a simulated DTR's real figures. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void theLandingPagesExampleProbeShowsTheDemoDtrsFigures() throws IOException {
        try (ExporterHarness exporter = ExporterHarness.start(dir, "modules: {}\n", "--demo")) {
            String page = exporter.get("/").body();
            Matcher link = Pattern.compile("href=\"(/probe\\?module=demo&amp;target=[^\"]+)\"").matcher(page);
            assertTrue(link.find(), page);
            String probe = link.group(1).replace("&amp;", "&");
            String target = URLDecoder.decode(probe.substring(probe.indexOf("target=") + 7), StandardCharsets.UTF_8);
            assertTrue(target.startsWith("http://127.0.0.1:"), "the demo DTR listens on loopback only: " + target);

            Exposition metrics = exporter.probe(target, "demo");
            JsonNode fixture = new JsonMapper().readTree(Fixtures.CLUSTER_STATUS_HEALTHY.bytes());
            assertEquals(1, metrics.get("dtr_up"));
            assertEquals(fixture.path("replica_health").size(), metrics.get("dtr_server_count"));
            assertEquals(fixture.path("rethink_system_tables").path("table_status").size(), metrics.get("dtr_table_count"));
            assertEquals(100, metrics.series("dtr_job_total").values().stream().mapToDouble(Double::doubleValue).sum());
            assertEquals(1, metrics.get("dtr_scanning_enabled"));
            assertTrue(metrics.has("dtr_scanner_replica_db_updated_timestamp_seconds"));
            assertTrue(metrics.has("dtr_cron_next_run_timestamp_seconds"));
            assertEquals(1, metrics.get("dtr_build_info", "version", "2.9.4"));

            Exposition sick = exporter.probe(target + DemoDtr.UNHEALTHY_REPLICA_PREFIX, "demo");
            assertEquals(1, sick.get("dtr_up"));
            assertEquals(1, sick.series("dtr_replica_unhealthy_reason").size());
            assertTrue(sick.series("dtr_replica_unhealthy_reason").keySet().iterator().next()
                    .get("reason").equals("connection"), sick.series("dtr_replica_unhealthy_reason").toString());
        }
    }
}
