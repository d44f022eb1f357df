package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.SimulatedDtr;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prometheus 3 scraping /probe and, with the old exporter's flags, /metrics: the answer's
 * Content-Type names the format its Accept header chose, and the gzipped body parses in that format
 * with the simulated DTR's figures. client_java 1.10 names no escaping in its Content-Types;
 * Prometheus reads only the type and version from them.
 */
class Prometheus3ScrapeTest {
    /** What Prometheus 3 sends with the default scrape_protocols. */
    private static final String PROMETHEUS_3_ACCEPT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;"
            + "q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;"
            + "q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
    /** scrape_protocols starting with PrometheusProto, as for native histograms. */
    private static final String PROMETHEUS_3_PROTOBUF_ACCEPT =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
                    + PROMETHEUS_3_ACCEPT;

    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    static ExporterHarness exporter;

    /** A format's Content-Type and a reader of its samples, independent of client_java's writers. */
    private enum Format {
        OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        TEXT("text/plain; version=0.0.4; charset=utf-8"),
        PROTOBUF("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }
    }

    /** The sample values the simulated DTR's cluster_status-healthy answer must give. */
    private interface Samples {
        double get(String name, String... labels);
    }

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        // the old exporter's flags: module default probes this DTR, and /metrics shows it too
        exporter = ExporterHarness.start(dir, "modules: {}\n", "--connection-string=" + dtr.httpTarget(),
                "--dtr-username=" + SimulatedDtr.USER, "--dtr-password=" + SimulatedDtr.PASSWORD, "--enable-tls=false");
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    static Stream<Arguments> scrapes() {
        return Stream.of("/probe", "/metrics").flatMap(endpoint -> Stream.of(
                Arguments.of(endpoint, "Prometheus 3's default", PROMETHEUS_3_ACCEPT, Format.OPENMETRICS),
                Arguments.of(endpoint, "text 1.0.0", "text/plain;version=1.0.0", Format.TEXT),
                Arguments.of(endpoint, "Prometheus 3's protobuf", PROMETHEUS_3_PROTOBUF_ACCEPT, Format.PROTOBUF)));
    }

    @ParameterizedTest(name = "{0} for {1}")
    @MethodSource("scrapes")
    void theAnswerIsInTheFormatAskedForAndCarriesTheDtrsFigures(String endpoint, String scraper, String accept,
                                                                Format format) {
        String path = endpoint.equals("/probe") ? ExporterHarness.probePath(dtr.httpTarget(), null) : endpoint;
        HttpResponse<byte[]> response = exporter.getBytes(path, "Accept", accept, "Accept-Encoding", "gzip",
                "X-Prometheus-Scrape-Timeout-Seconds", "10");
        assertEquals(200, response.statusCode());
        assertEquals(format.contentType, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        Samples samples = parse(format, gunzip(response.body()));

        assertEquals(1, samples.get("dtr_up"));
        assertEquals(3, samples.get("dtr_server_count"));
        assertEquals(255, samples.get("dtr_cluster_client_connections"));
        assertEquals(1, samples.get("dtr_replica_healthy", "replica", SimulatedDtr.REPLICA_ID));
        assertEquals(24.995, samples.get("dtr_cluster_docs_per_second", "operation", "read"));
        assertEquals(5.969040731E9, samples.get("dtr_server_queries_total", "replica", SimulatedDtr.REPLICA_ID));
    }

    private static Samples parse(Format format, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return switch (format) {
            case OPENMETRICS -> {
                assertTrue(text.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
                assertTrue(text.contains("\n# TYPE dtr_server_queries counter\n"), "a counter's family has no _total");
                yield Exposition.parse(text)::get;
            }
            case TEXT -> {
                assertTrue(text.contains("\n# TYPE dtr_server_queries_total counter\n"), "Prometheus text names _total");
                yield Exposition.parse(text)::get;
            }
            case PROTOBUF -> protobuf(body);
        };
    }

    /** Delimited MetricFamily messages, keyed as {@link Exposition} keys its samples. */
    private static Samples protobuf(byte[] body) {
        Map<String, Double> values = new HashMap<>();
        try (InputStream in = new ByteArrayInputStream(body)) {
            Metrics.MetricFamily family;
            while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                for (Metrics.Metric metric : family.getMetricList()) {
                    String[] labels = metric.getLabelList().stream()
                            .flatMap(label -> Stream.of(label.getName(), label.getValue())).toArray(String[]::new);
                    double value = switch (family.getType()) {
                        case COUNTER -> metric.getCounter().getValue();
                        case GAUGE -> metric.getGauge().getValue();
                        default -> metric.getUntyped().getValue();
                    };
                    values.put(Exposition.key(family.getName(), labels), value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (name, labels) -> {
            Double value = values.get(Exposition.key(name, labels));
            if (value == null) {
                throw new AssertionError("no sample " + Exposition.key(name, labels) + " in the protobuf answer");
            }
            return value;
        };
    }

    private static byte[] gunzip(byte[] body) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
