package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.ResponseParsers;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole answer of a probe, byte for byte, for every cluster_status fixture: the benchmark's
 * speed-ups (issue 6) must not change one byte of what Prometheus reads. The golden files were
 * written by the code before those changes; regenerate them only for an intended change of output,
 * with {@code mvn test -Dtest=ProbeOutputGoldenTest -Dgolden.update=true}, and review the diff.
 */
class ProbeOutputGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static Stream<Fixtures> clusterStatusFixtures() {
        return ProbeMetricsTest.clusterStatusFixtures();
    }

    @ParameterizedTest
    @MethodSource("clusterStatusFixtures")
    void prometheusTextIsUnchanged(Fixtures fixture) throws IOException {
        check(fixture, PrometheusTextFormatWriter.create(), ".prom");
    }

    @ParameterizedTest
    @MethodSource("clusterStatusFixtures")
    void openMetricsIsUnchanged(Fixtures fixture) throws IOException {
        check(fixture, OpenMetricsTextFormatWriter.create(), ".om");
    }

    private static void check(Fixtures fixture, ExpositionFormatWriter writer, String suffix) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, ProbeMetrics.of(result(fixture)));
        String actual = out.toString(StandardCharsets.UTF_8);
        Path file = GOLDEN.resolve(fixture.file().replace(".json", suffix));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertEquals(Files.readString(file), actual, "the answer for " + fixture.file() + " changed; see " + file);
    }

    /**
     * Every call made and answered: cluster_status from the fixture, the jobs, ping, workers, scanner,
     * crons and docs.json fixtures.
     */
    private static ProbeResult result(Fixtures clusterStatus) throws IOException {
        Instant notAfter = Instant.parse("2027-03-01T12:00:00Z");
        return new ProbeResult(List.of(
                ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, Duration.ofMillis(12),
                        ResponseParsers.clusterStatus(stream(clusterStatus))).withCertificateNotAfter(Optional.of(notAfter)),
                ApiResult.success(ApiCalls.JOBS, 200, Duration.ofMillis(7), ResponseParsers.jobs(stream(Fixtures.JOBS))),
                ApiResult.success(ApiCalls.PING, 503, Duration.ofMillis(2), ResponseParsers.ping(stream(Fixtures.PING_UNHEALTHY))),
                ApiResult.success(ApiCalls.WORKERS, 200, Duration.ofMillis(3), ResponseParsers.workers(stream(Fixtures.WORKERS))),
                ApiResult.success(ApiCalls.SCANNING, 200, Duration.ofMillis(4),
                        ResponseParsers.SCANNING.parse(200, stream(Fixtures.SCANNING))),
                ApiResult.success(ApiCalls.CRONS, 200, Duration.ofMillis(5), ResponseParsers.crons(stream(Fixtures.CRONS))),
                ApiResult.success(ApiCalls.VERSION, 200, Duration.ofMillis(9), ResponseParsers.version(stream(Fixtures.DOCS)))),
                Duration.ofMillis(13), Duration.ofSeconds(10));
    }

    private static ByteArrayInputStream stream(Fixtures fixture) {
        return new ByteArrayInputStream(fixture.bytes());
    }
}
