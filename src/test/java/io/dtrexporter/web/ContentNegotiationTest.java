package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format follows the Accept header; each answer parses and carries the same figures. */
class ContentNegotiationTest {
    private static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    private static final String PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3";

    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    static ExporterHarness exporter;
    static String probe;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        exporter = ExporterHarness.start(dir, ("modules:\n  default:\n    basic_auth: {username: %s, password: %s}\n"
                + "    allowed_targets: [127.0.0.1]\n    allow_plain_http: true\n")
                .formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD));
        probe = ExporterHarness.probePath(dtr.httpTarget(), null);
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    @Test
    void withoutAcceptTheAnswerIsPrometheusText() {
        HttpResponse<String> response = exporter.get(probe);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(3, Exposition.parse(response.body()).get("dtr_server_count"));
    }

    @Test
    void openMetricsIsAnsweredWhenAskedFor() {
        HttpResponse<String> response = exporter.get(probe, "Accept", OPENMETRICS);
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        assertTrue(response.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(response.body().contains("# TYPE dtr_server_docs counter"));
        Exposition metrics = Exposition.parse(response.body());
        assertEquals(3, metrics.get("dtr_server_count"));
        assertEquals(1, metrics.get("dtr_up"));
    }

    @Test
    void protobufIsAnsweredWhenAskedFor() throws IOException {
        HttpResponse<byte[]> response = exporter.getBytes(probe, "Accept", PROTOBUF);
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/vnd.google.protobuf"));
        Map<String, Metrics.MetricFamily> families = new HashMap<>();
        InputStream in = new ByteArrayInputStream(response.body());
        Metrics.MetricFamily family;
        while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            families.put(family.getName(), family);
        }
        assertEquals(3, families.get("dtr_server_count").getMetric(0).getGauge().getValue());
        assertEquals(Metrics.MetricType.COUNTER, families.get("dtr_server_queries_total").getType());
        assertEquals(3, families.get("dtr_server_queries_total").getMetricCount());
    }

    @Test
    void gzipIsUsedWhenAccepted() throws IOException {
        HttpResponse<byte[]> response = exporter.getBytes(probe, "Accept-Encoding", "gzip");
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        String text;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(3, Exposition.parse(text).get("dtr_server_count"));
        assertTrue(response.body().length * 4 < text.length(), "compressed " + response.body().length + " of " + text.length());
    }

    @Test
    void theExportersOwnMetricsAreServedToo() {
        HttpResponse<String> response = exporter.get("/metrics");
        assertEquals(200, response.statusCode());
        Exposition metrics = Exposition.parse(response.body());
        assertEquals(1, metrics.series("dtr_exporter_build_info").size());
        assertTrue(metrics.has("jvm_memory_used_bytes"), "JVM metrics");
        assertTrue(metrics.series("dtr_exporter_build_info").keySet().iterator().next().containsKey("version"));
    }

    @Test
    void theLandingPageListsModulesWithoutSecretsAndLinksOn() {
        HttpResponse<String> response = exporter.get("/");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(response.body().contains("<td>default</td>"));
        assertTrue(response.body().contains("<td>" + SimulatedDtr.USER + "</td>"));
        assertTrue(response.body().contains("href=\"/metrics\""));
        assertTrue(response.body().contains("/probe?module="));
        assertTrue(!response.body().contains(SimulatedDtr.PASSWORD), "no password on the landing page");
    }

    @Test
    void unknownPathsAre404() {
        assertEquals(404, exporter.get("/nope").statusCode());
        assertEquals(404, exporter.get("/probe/more").statusCode());
    }

    @Test
    void healthAndReadinessAnswer200() {
        assertEquals(200, exporter.get("/-/healthy").statusCode());
        assertEquals(200, exporter.get("/-/ready").statusCode());
    }
}
