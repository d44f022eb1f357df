package io.dtrexporter.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.probe.ApiCalls;
import io.dtrexporter.probe.ProbeMetrics;
import io.dtrexporter.probe.ProbeResult;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU and allocation cost of one probe once its two bodies have arrived: what the exporter
 * does between the last byte from the DTR and the last byte to Prometheus, through the same public
 * API the probe uses (ResponseParsers, ProbeMetrics.of, the client_java writer ScrapeWriter picks
 * for a scrape without an Accept header). {@link #probe} is the whole; the others split it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms512m", "-Xmx512m"})
public class ProbeCostBenchmark {
    /** A classpath resource of the exporter's jar, or a path relative to bench/jmh. */
    @Param({"io/dtrexporter/fixtures/cluster_status-healthy.json", "../fixtures/cluster_status-7x60.json"})
    public String clusterStatusFixture;

    private static final JsonFactory JSON = new JsonFactory();

    private byte[] clusterStatusBody;
    private byte[] jobsBody;
    private ProbeResult parsedResult;
    private MetricSnapshots snapshots;
    private final ExpositionFormatWriter textWriter = ExpositionFormats.init().findWriter(null);
    private final ExpositionFormatWriter openMetricsWriter = ExpositionFormats.init()
            .findWriter("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4");
    /** Reused like a socket buffer would be: its growth is not a probe's cost. */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

    @Setup
    public void load() throws IOException {
        clusterStatusBody = read(clusterStatusFixture);
        jobsBody = read("io/dtrexporter/fixtures/jobs.json");
        parsedResult = result(ResponseParsers.clusterStatus(new ByteArrayInputStream(clusterStatusBody)),
                ResponseParsers.jobs(new ByteArrayInputStream(jobsBody)));
        snapshots = ProbeMetrics.of(parsedResult);
        out.reset();
        textWriter.write(out, snapshots);
        if (out.size() < 10_000 || !out.toString().contains("dtr_up 1.0")) {
            throw new IllegalStateException("the fixture did not give a successful probe: " + clusterStatusFixture);
        }
    }

    /** Parse both bodies, map to snapshots, write the Prometheus text format. */
    @Benchmark
    public int probe() throws IOException {
        ProbeResult result = result(ResponseParsers.clusterStatus(new ByteArrayInputStream(clusterStatusBody)),
                ResponseParsers.jobs(new ByteArrayInputStream(jobsBody)));
        out.reset();
        textWriter.write(out, ProbeMetrics.of(result));
        return out.size();
    }

    /** As {@link #probe}, in OpenMetrics: the format Prometheus asks for first. */
    @Benchmark
    public int probeOpenMetrics() throws IOException {
        ProbeResult result = result(ResponseParsers.clusterStatus(new ByteArrayInputStream(clusterStatusBody)),
                ResponseParsers.jobs(new ByteArrayInputStream(jobsBody)));
        out.reset();
        openMetricsWriter.write(out, ProbeMetrics.of(result));
        return out.size();
    }

    @Benchmark
    public ClusterStatus parseClusterStatus() throws IOException {
        return ResponseParsers.clusterStatus(new ByteArrayInputStream(clusterStatusBody));
    }

    /**
     * The floor under {@link #parseClusterStatus} for any parser built on Jackson's streaming parser:
     * every token visited and every number decoded, nothing bound. What parsing costs above this is
     * what a hand-written binding could save at most.
     */
    @Benchmark
    public double tokenizeClusterStatus() throws IOException {
        double sum = 0;
        try (JsonParser parser = JSON.createParser(new ByteArrayInputStream(clusterStatusBody))) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isNumeric()) {
                    sum += parser.getDoubleValue();
                }
            }
        }
        return sum;
    }

    @Benchmark
    public JobList parseJobs() throws IOException {
        return ResponseParsers.jobs(new ByteArrayInputStream(jobsBody));
    }

    /** The pure mapping from the parsed bodies to metric snapshots. */
    @Benchmark
    public MetricSnapshots map() {
        return ProbeMetrics.of(parsedResult);
    }

    /** Writing ready snapshots in the Prometheus text format. */
    @Benchmark
    public int renderText() throws IOException {
        out.reset();
        textWriter.write(out, snapshots);
        return out.size();
    }

    private static ProbeResult result(ClusterStatus clusterStatus, JobList jobs) {
        return new ProbeResult(List.of(
                ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, Duration.ofMillis(12), clusterStatus),
                ApiResult.success(ApiCalls.JOBS, 200, Duration.ofMillis(3), jobs)),
                Duration.ofMillis(12), Duration.ofSeconds(10));
    }

    private static byte[] read(String fixture) throws IOException {
        Path file = Path.of(fixture);
        if (Files.exists(file)) {
            return Files.readAllBytes(file);
        }
        try (InputStream in = ProbeCostBenchmark.class.getClassLoader().getResourceAsStream(fixture)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("no fixture " + fixture));
            }
            return in.readAllBytes();
        }
    }
}
