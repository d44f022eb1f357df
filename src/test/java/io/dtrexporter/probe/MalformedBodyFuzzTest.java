package io.dtrexporter.probe;

import static io.dtrexporter.testing.SimulatedDtr.CLUSTER_STATUS;
import static io.dtrexporter.testing.SimulatedDtr.JOBS;
import static io.dtrexporter.testing.SimulatedDtr.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.ApiCall;
import io.dtrexporter.dtr.FailureReason;
import io.dtrexporter.dtr.HeadReader;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.DtrVersion;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.probe.BodyMutator.Kind;
import io.dtrexporter.probe.BodyMutator.Mutant;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.SimulatedDtr;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated, reproducible fuzz run over malformed cluster_status and jobs bodies, derived from the
 * fixtures. Every body must end either as a parse failure (the probe's {@code dtr_up 0} with reason
 * invalid_response) or as metrics that every exposition format writes validly; nothing may throw
 * past the parser's IOException, and no body may take long.
 *
 * <p>Case {@code i} is fully determined by {@code -Dfuzz.seed} and {@code i}; a failing case prints
 * both, its base fixture and the mutations applied, and its body is written to target/fuzz-failures.
 * Re-run one case alone with {@code -Dfuzz.seed=<seed> -Dfuzz.case=<i>}.
 */
class MalformedBodyFuzzTest {
    private static final long SEED = Long.decode(System.getProperty("fuzz.seed", "0x5EED0D7A"));
    private static final int CASES_PER_KIND = Integer.getInteger("fuzz.casesPerKind", 200);
    private static final int ONLY_CASE = Integer.getInteger("fuzz.case", -1);
    private static final int SOCKET_CASES = Integer.getInteger("fuzz.socketCases", 300);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * What the exporter does with one body (parse, map, write) must fit well within a probe's deadline,
     * 2s in the socket part; the checking this test does on top is not counted.
     */
    private static final long BODY_BUDGET_MILLIS = 1000;
    private static final int REPORTED_PROBLEMS = 15;

    /** The large fixtures once, the small ones more often: the run covers more kinds of rows per second. */
    private static final List<Fixtures> CLUSTER_STATUS_BASES = List.of(Fixtures.CLUSTER_STATUS_HEALTHY,
            Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA, Fixtures.CLUSTER_STATUS_STATS_TIMEOUT,
            Fixtures.CLUSTER_STATUS_MULTI_SHARD, Fixtures.CLUSTER_STATUS_MULTI_SHARD,
            Fixtures.CLUSTER_STATUS_ODD_SERVER_NAME, Fixtures.CLUSTER_STATUS_ODD_SERVER_NAME,
            Fixtures.CLUSTER_STATUS_BAD_TIMESTAMP, Fixtures.CLUSTER_STATUS_BAD_TIMESTAMP);
    private static final List<Fixtures> JOBS_BASES = List.of(Fixtures.JOBS, Fixtures.JOBS, Fixtures.JOBS,
            Fixtures.JOBS_NULL);
    private static final Map<Fixtures, Base> BASES = new EnumMap<>(Fixtures.class);
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();
    /** The other call's body when one is mutated: small, so that the time goes to the mutated one. */
    private static final ClusterStatus GOOD_CLUSTER_STATUS;
    private static final JobList GOOD_JOBS;

    static {
        for (Fixtures fixture : Fixtures.values()) {
            byte[] bytes = fixture.bytes();
            BASES.put(fixture, new Base(bytes, BodyMutator.tree(bytes)));
        }
        try {
            GOOD_CLUSTER_STATUS = ResponseParsers.clusterStatus(
                    new ByteArrayInputStream(Fixtures.CLUSTER_STATUS_ODD_SERVER_NAME.bytes()));
            GOOD_JOBS = ResponseParsers.jobs(new ByteArrayInputStream(Fixtures.JOBS.bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Base(byte[] bytes, JsonNode tree) {
    }

    /** One generated body: everything needed to make it again. */
    record Case(int index, long seed, Fixtures base, Kind kind, Mutant mutant) {
        boolean isJobs() {
            return base == Fixtures.JOBS || base == Fixtures.JOBS_NULL;
        }

        String describe() {
            return "case " + index + " (-Dfuzz.seed=" + SEED + " -Dfuzz.case=" + index
                    + ", case seed 0x" + Long.toHexString(seed) + ") " + kind + " of " + base.file() + ", "
                    + mutant.body().length + " bytes: " + mutant.log();
        }
    }

    static Case generate(long masterSeed, int index, List<Fixtures> bases, Kind kind) {
        long seed = mix(masterSeed + index);
        Fixtures fixture = bases.get(new Random(seed).nextInt(bases.size()));
        Base base = BASES.get(fixture);
        return new Case(index, seed, fixture, kind,
                BodyMutator.mutate(base.bytes(), base.tree(), kind, seed ^ 0x9E3779B97F4A7C15L));
    }

    private static Case unmutated(Fixtures fixture) {
        return new Case(-1, 0, fixture, Kind.UNKNOWN_KEYS, new Mutant(BASES.get(fixture).bytes(), "unmutated", true));
    }

    /** SplitMix64's finaliser: neighbouring indexes get unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Test
    void everyMutatedBodyEndsAsAParseFailureOrValidMetrics() {
        Map<Fixtures, String> baseline = new EnumMap<>(Fixtures.class);
        for (Fixtures base : Fixtures.values()) {
            // the bases mutated here: cluster_status and jobs bodies (the fixtures of /_ping and workers are not)
            if (base != Fixtures.CLUSTER_STATUS_EMPTY_OBJECT
                    && (CLUSTER_STATUS_BASES.contains(base) || JOBS_BASES.contains(base))) {
                Outcome outcome = outcome(unmutated(base));
                assertTrue(outcome.problems.isEmpty(), base + ": " + outcome.problems);
                baseline.put(base, outcome.text);
            }
        }
        // a body that fails to parse always gives the same metrics: checked once per API, not per body
        for (ApiCall<?> api : List.of(ApiCalls.CLUSTER_STATUS, ApiCalls.JOBS)) { // the calls whose bodies are mutated
            assertEquals(List.of(), downPathProblems(api));
        }

        Kind[] kinds = Kind.values();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        // cases are independent and each is made from its own seed: the order they run in does not matter
        List<Outcome> outcomes = IntStream.range(0, kinds.length * CASES_PER_KIND)
                .filter(i -> ONLY_CASE < 0 || i == ONLY_CASE)
                .parallel()
                .mapToObj(i -> run(i, kinds[i % kinds.length], baseline))
                .toList();
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        long cpu = (processCpuNanos() - cpuStart) / 1_000_000;

        Map<Kind, int[]> counts = new EnumMap<>(Kind.class); // generated, parsed, failed, with a known verdict
        Map<String, Integer> failures = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> problemKinds = new TreeMap<>();
        Outcome slowest = outcomes.get(0);
        for (Outcome outcome : outcomes) {
            int[] count = counts.computeIfAbsent(outcome.c.kind(), k -> new int[4]);
            count[0]++;
            count[outcome.parsed ? 1 : 2]++;
            count[3] += outcome.c.mutant().mustParse() == null ? 0 : 1;
            outcome.parseError.ifPresent(error -> failures.merge(error, 1, Integer::sum));
            if (!outcome.problems.isEmpty()) {
                problems.add(outcome.c.describe() + "\n    " + String.join("\n    ", outcome.problems));
                outcome.problems.forEach(p -> problemKinds.merge(kindOf(p), 1, Integer::sum));
                keep(outcome.c);
            }
            slowest = outcome.millis > slowest.millis ? outcome : slowest;
        }
        StringBuilder summary = new StringBuilder("fuzz seed " + SEED + ":");
        int parsed = 0;
        int failed = 0;
        for (Map.Entry<Kind, int[]> e : counts.entrySet()) {
            int[] n = e.getValue();
            summary.append(String.format("%n  %-22s %5d bodies, %5d parsed, %5d failed to parse, %5d with a known verdict",
                    e.getKey(), n[0], n[1], n[2], n[3]));
            parsed += n[1];
            failed += n[2];
        }
        summary.append(String.format("%n  total %d bodies, %d parsed, %d failed to parse, in %d ms (%d ms CPU);"
                + " the slowest took %d ms: %s", parsed + failed, parsed, failed, elapsed, cpu, slowest.millis,
                slowest.c.describe()));
        summary.append("\n  parse failures by exception: ").append(failures);
        System.out.println(summary);
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " of " + (parsed + failed) + " bodies went wrong: "
                    + problemKinds + "\nthe first:\n"
                    + String.join("\n", problems.subList(0, Math.min(REPORTED_PROBLEMS, problems.size())))
                    + "\n" + summary);
        }
    }

    /** The bodies of the calls that came with issue 16, and the call that reads each. */
    private static final Map<Fixtures, ApiCall<?>> MORE_CALLS = Map.of(Fixtures.SCANNING, ApiCalls.SCANNING,
            Fixtures.CRONS, ApiCalls.CRONS, Fixtures.CRONS_WITHOUT_GC, ApiCalls.CRONS, Fixtures.DOCS, ApiCalls.VERSION);
    private static final List<Fixtures> MORE_BASES = List.of(Fixtures.SCANNING, Fixtures.CRONS,
            Fixtures.CRONS_WITHOUT_GC, Fixtures.DOCS);

    /**
     * The same for imagescan/status, crons and docs.json: each body parses into figures every format
     * writes, or fails as invalid_response; unknown keys change nothing.
     */
    @Test
    void everyMutatedScannerCronsOrDocsBodyEndsAsAParseFailureOrValidMetrics() {
        Map<Fixtures, String> baseline = new EnumMap<>(Fixtures.class);
        for (Fixtures base : MORE_BASES) {
            Outcome outcome = moreOutcome(unmutated(base));
            assertEquals(List.of(), outcome.problems, base.toString());
            baseline.put(base, outcome.text);
        }
        Kind[] kinds = Kind.values();
        List<String> problems = IntStream.range(0, kinds.length * CASES_PER_KIND / 4).parallel()
                .mapToObj(i -> {
                    Case c = generate(SEED ^ 0x16L, i, MORE_BASES, kinds[i % kinds.length]);
                    Outcome outcome = moreOutcome(c);
                    if (outcome.parsed && c.kind() == Kind.UNKNOWN_KEYS && !outcome.text.equals(baseline.get(c.base()))) {
                        outcome.problems.add("unknown keys changed the metrics");
                    }
                    if (outcome.millis > BODY_BUDGET_MILLIS) {
                        outcome.problems.add("took " + outcome.millis + " ms");
                    }
                    return outcome.problems.isEmpty() ? null : c.describe() + "\n    " + String.join("\n    ", outcome.problems);
                })
                .filter(Objects::nonNull).toList();
        assertEquals(List.of(), problems.subList(0, Math.min(REPORTED_PROBLEMS, problems.size())));
    }

    private static Outcome moreOutcome(Case c) {
        Outcome outcome = new Outcome(c);
        ApiCall<?> call = MORE_CALLS.get(c.base());
        ApiResult<?> parsed;
        long start = System.nanoTime();
        try {
            parsed = parsedAs(call, c.mutant().body());
            outcome.parsed = true;
        } catch (JsonProcessingException e) {
            if (c.base() == Fixtures.DOCS) {
                checkHead(c.mutant().body(), null, outcome);
            }
            outcome.parseError = Optional.of(e.getClass().getSimpleName());
            if (Boolean.TRUE.equals(c.mutant().mustParse())) {
                outcome.problems.add("should have parsed but failed: " + e.getOriginalMessage());
            }
            return outcome;
        } catch (Throwable e) {
            outcome.problems.add("escaped the parser as no JsonProcessingException: " + stack(e));
            return outcome;
        } finally {
            outcome.nanos += System.nanoTime() - start;
            outcome.millis = outcome.nanos / 1_000_000;
        }
        if (c.base() == Fixtures.DOCS) {
            checkHead(c.mutant().body(), ((DtrVersion) parsed.body().orElseThrow()).version(), outcome);
        }
        Boolean expected = c.mutant().mustParse();
        if (expected != null && !expected) {
            outcome.problems.add("should have failed to parse but parsed");
        }
        Duration took = Duration.ofMillis(40);
        checkedExposition(new ProbeResult(List.of(ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, took, GOOD_CLUSTER_STATUS),
                ApiResult.success(ApiCalls.JOBS, 200, took, GOOD_JOBS), parsed), took, TIMEOUT), 1, outcome);
        return outcome;
    }

    /**
     * What the version call reads when it stops at info.version (a byte at a time, so that the
     * point where it stopped is known): where the whole body parses, the head gives its version or
     * leaves the body to the whole parser; where it does not, a version from the head must be the
     * one the whole parser reads from those same bytes, closed ({@code head + "}"}): whatever made
     * the body fail lies in the rest, which is not read.
     */
    private static void checkHead(byte[] body, String wholeVersion, Outcome outcome) {
        HeadReader<DtrVersion> head = ResponseParsers.versionHead();
        int read = 0;
        HeadReader.Progress progress = HeadReader.Progress.MORE;
        while (progress == HeadReader.Progress.MORE && read < Math.min(body.length, 64 * 1024)) {
            progress = head.read(body, read++, 1);
        }
        if (progress != HeadReader.Progress.ANSWERED) {
            return; // the whole parser decides, as it always did
        }
        String fromHead = head.answer().version();
        if (wholeVersion != null && !wholeVersion.equals(fromHead)) {
            outcome.problems.add("the head says version " + fromHead + ", the whole body " + wholeVersion);
        }
        byte[] closed = Arrays.copyOf(body, read + 1);
        closed[read] = '}';
        try {
            String fromClosedHead = ResponseParsers.version(new ByteArrayInputStream(closed)).version();
            if (!fromClosedHead.equals(fromHead)) {
                outcome.problems.add("the head says version " + fromHead + ", its bytes closed " + fromClosedHead);
            }
        } catch (IOException | RuntimeException e) {
            outcome.problems.add("the head says version " + fromHead + " but its bytes closed do not parse: " + e);
        }
    }

    private static <T> ApiResult<T> parsedAs(ApiCall<T> call, byte[] body) throws IOException {
        return ApiResult.success(call, 200, Duration.ofMillis(40), call.parser().parse(200, new ByteArrayInputStream(body)));
    }

    /** A problem without its particulars: "escaped ...: java.lang.NullPointerException". */
    private static String kindOf(String problem) {
        String[] parts = problem.lines().findFirst().orElse("").split(": ", 3);
        return parts.length < 2 ? parts[0] : parts[0] + ": " + parts[1];
    }

    /** CPU time of the whole JVM: on a busy machine, wall time says little about the test itself. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static Outcome run(int index, Kind kind, Map<Fixtures, String> baseline) {
        Case c = generate(SEED, index, index % 5 < 3 ? CLUSTER_STATUS_BASES : JOBS_BASES, kind);
        Outcome outcome = outcome(c);
        if (outcome.parsed && kind == Kind.UNKNOWN_KEYS && !outcome.text.equals(baseline.get(c.base()))) {
            outcome.problems.add("unknown keys changed the metrics");
        }
        if (outcome.millis > BODY_BUDGET_MILLIS) {
            outcome.problems.add("took " + outcome.millis + " ms");
        }
        return outcome;
    }

    /** What one body came to, and every way it went wrong. */
    private static final class Outcome {
        final Case c;
        boolean parsed;
        Optional<String> parseError = Optional.empty();
        String text = "";
        /** Time spent parsing, mapping and writing the Prometheus text: what a probe spends on the body. */
        long millis;
        private long nanos;
        final List<String> problems = new ArrayList<>();

        Outcome(Case c) {
            this.c = c;
        }
    }

    /**
     * Parses the body as DtrClient does; one that parses is mapped (with the other call's good body) and
     * written in every format, and the writing checked.
     */
    private static Outcome outcome(Case c) {
        Outcome outcome = new Outcome(c);
        Object body;
        long start = System.nanoTime();
        try {
            body = c.isJobs() ? ResponseParsers.jobs(new ByteArrayInputStream(c.mutant().body()))
                    : ResponseParsers.clusterStatus(new ByteArrayInputStream(c.mutant().body()));
            outcome.parsed = true;
            if (body == null) {
                outcome.problems.add("the parser returned null: DtrClient would fail on Optional.of(null)");
                return outcome;
            }
        } catch (JsonProcessingException e) {
            outcome.parseError = Optional.of(e.getClass().getSimpleName());
            body = null;
        } catch (IOException e) {
            outcome.parseError = Optional.of(e.getClass().getSimpleName());
            outcome.problems.add("parse failed with an IOException that is no JsonProcessingException: DtrClient "
                    + "reports it as reason connection, not invalid_response: " + stack(e));
            body = null;
        } catch (Throwable e) {
            outcome.problems.add("escaped the parser: " + stack(e));
            return outcome;
        } finally {
            outcome.nanos += System.nanoTime() - start;
            outcome.millis = outcome.nanos / 1_000_000;
        }
        Boolean expected = c.mutant().mustParse();
        if (expected != null && expected != outcome.parsed) {
            outcome.problems.add(expected ? "should have parsed but failed: " + outcome.parseError.orElse("")
                    : "should have failed to parse but parsed");
        }
        if (body == null) {
            return outcome; // the metrics of a failed call: see downPathProblems
        }
        Duration took = Duration.ofMillis(40);
        ProbeResult result = c.isJobs()
                ? new ProbeResult(List.of(ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, took, GOOD_CLUSTER_STATUS),
                        ApiResult.success(ApiCalls.JOBS, 200, took, (JobList) body)), took, TIMEOUT)
                : new ProbeResult(List.of(ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, took, (ClusterStatus) body),
                        ApiResult.success(ApiCalls.JOBS, 200, took, GOOD_JOBS)), took, TIMEOUT);
        checkedExposition(result, 1, outcome);
        return outcome;
    }

    /** The metrics of a probe whose call of {@code api} failed to parse: dtr_up 0, reason invalid_response. */
    private static List<String> downPathProblems(ApiCall<?> api) {
        Duration took = Duration.ofMillis(40);
        ApiResult<ClusterStatus> clusterStatus = api == ApiCalls.CLUSTER_STATUS
                ? ApiResult.failure(ApiCalls.CLUSTER_STATUS, 200, took, FailureReason.INVALID_RESPONSE, "not the expected JSON")
                : ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, took, GOOD_CLUSTER_STATUS);
        ApiResult<JobList> jobs = api == ApiCalls.JOBS
                ? ApiResult.failure(ApiCalls.JOBS, 200, took, FailureReason.INVALID_RESPONSE, "not the expected JSON")
                : ApiResult.success(ApiCalls.JOBS, 200, took, GOOD_JOBS);
        Outcome outcome = new Outcome(unmutated(Fixtures.JOBS));
        checkedExposition(new ProbeResult(List.of(clusterStatus, jobs), took, TIMEOUT), 0, outcome);
        if (outcome.problems.isEmpty() && Exposition.parse(outcome.text)
                .value("dtr_api_error_info", "api", api.label(), "reason", "invalid_response").isEmpty()) {
            outcome.problems.add(api + ": no dtr_api_error_info with reason invalid_response");
        }
        return outcome.problems;
    }

    /** Maps and writes {@code result} in every format and checks each; the Prometheus text goes to the outcome. */
    private static void checkedExposition(ProbeResult result, int up, Outcome outcome) {
        List<String> problems = outcome.problems;
        MetricSnapshots snapshots;
        byte[] text;
        long start = System.nanoTime();
        try {
            snapshots = ProbeMetrics.of(result);
            text = write(FORMATS.getPrometheusTextFormatWriter(), snapshots);
        } catch (Throwable e) {
            problems.add("escaped ProbeMetrics.of or the text writer: " + stack(e));
            return;
        } finally {
            outcome.nanos += System.nanoTime() - start;
            outcome.millis = outcome.nanos / 1_000_000;
        }
        try {
            byte[] openMetrics = write(FORMATS.getOpenMetricsTextFormatWriter(), snapshots);
            byte[] openMetrics2 = write(FORMATS.getOpenMetrics2TextFormatWriter(), snapshots);
            byte[] protobuf = write(FORMATS.getPrometheusProtobufWriter(), snapshots);
            int samples = ExpositionCheck.text(text, false);
            assertEquals(samples, ExpositionCheck.text(openMetrics, true), "OpenMetrics samples");
            assertEquals(samples, ExpositionCheck.text(openMetrics2, true), "OpenMetrics 2 samples");
            assertEquals(samples, ExpositionCheck.protobuf(protobuf), "protobuf samples");
            outcome.text = new String(text, StandardCharsets.UTF_8);
            assertEquals(up, Exposition.parse(outcome.text).get("dtr_up"), "dtr_up");
        } catch (Throwable e) {
            problems.add("exposition: " + stack(e));
        }
    }

    private static byte[] write(ExpositionFormatWriter writer, MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, snapshots);
        return out.toByteArray();
    }

    private static String stack(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String[] lines = trace.toString().split("\n");
        return String.join("\n      ", List.of(lines).subList(0, Math.min(8, lines.length)));
    }

    /** Writes a failing case's body where a person can look at it. */
    private static void keep(Case c) {
        try {
            Path dir = Files.createDirectories(Paths.get("target", "fuzz-failures"));
            Files.write(dir.resolve("case-" + c.index() + "-" + c.base().file()), c.mutant().body());
        } catch (IOException e) {
            // the report in the assertion message is what counts
        }
    }

    // ---- what the fuzz run found, pinned ----

    private static final String NULL_ROWS = """
            {"rethink_system_tables": {
               "stats": [null, {"id": ["server", "u1"], "server": "dtr_rethinkdb_0123456789ab",
                                "query_engine": {"client_connections": 3}}],
               "table_status": [null, {"db": "dtr2", "name": "tags", "shards": [null,
                   {"replicas": [null, {"server": "dtr_rethinkdb_0123456789ab", "state": "ready"}]}]}],
               "current_issues": [null]},
             "replica_health": {"0123456789ab": "OK"}}""";
    private static final String NULL_JOBS = "{\"jobs\": [null, {\"id\": \"1\", \"action\": \"gc\", \"status\": \"done\"}]}";
    private static final String NO_JOBS = "{\"jobs\": []}";
    private static final String NULL_SYSTEM_TABLES = "{\"rethink_system_tables\": null, \"replica_health\": {}}";
    private static final String NEGATIVE_TOTALS = """
            {"rethink_system_tables": {"stats": [{"id": ["server", "u1"], "server": "dtr_rethinkdb_0123456789ab",
                "query_engine": {"queries_total": -5, "read_docs_total": -1e400, "written_docs_total": 7,
                                 "queries_per_sec": -1}}]},
             "replica_health": {"0123456789ab": "OK"}}""";
    /** Two replicas whose names differ only in a lone surrogate, which every writer spells "?". */
    private static final String LONE_SURROGATES = """
            {"rethink_system_tables": {"stats": [
                {"id": ["server", "u1"], "server": "dtr_rethinkdb_\\ud800", "query_engine": {"client_connections": 1}},
                {"id": ["server", "u2"], "server": "dtr_rethinkdb_\\udc00", "query_engine": {"client_connections": 2}}]},
             "replica_health": {}}""";
    private static final byte[] BAD_UTF32 = {0, 0, (byte) 0xfe, (byte) 0xff, '{', '"', 'j', 'o', 'b', 's', '"', ':', '[', ']', '}'};

    @Test
    void nullRowsAndNullJobsAreSkippedNotAnException() throws IOException {
        Exposition metrics = render(NULL_ROWS, NULL_JOBS);
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(3, metrics.get("dtr_server_client_connections", "replica", "0123456789ab"));
        assertEquals(1, metrics.get("dtr_table_count"));
        assertEquals(1, metrics.get("dtr_table_server_state_count", "db", "dtr2", "table", "tags", "state", "ready"));
        assertEquals(0, metrics.get("dtr_table_server_state_count", "db", "dtr2", "table", "tags", "state", "notready"));
        assertEquals(1, metrics.get("dtr_job_total", "action", "gc", "status", "done"));
        assertEquals(1, metrics.series("dtr_job_total").size());
    }

    @Test
    void aNegativeTotalGetsNoSampleInsteadOfFailingTheScrape() throws IOException {
        Exposition metrics = render(NEGATIVE_TOTALS, NO_JOBS);
        assertEquals(1, metrics.get("dtr_up"));
        assertTrue(metrics.value("dtr_server_queries_total", "replica", "0123456789ab").isEmpty());
        assertTrue(metrics.value("dtr_server_docs_total", "replica", "0123456789ab", "operation", "read").isEmpty());
        assertEquals(7, metrics.get("dtr_server_docs_total", "replica", "0123456789ab", "operation", "written"));
        assertEquals(-1, metrics.get("dtr_server_queries_per_second", "replica", "0123456789ab"), "gauges may go below 0");
    }

    @Test
    void labelValuesDifferingOnlyInALoneSurrogateAreOneSeries() throws IOException {
        Exposition metrics = render(LONE_SURROGATES, NO_JOBS);
        assertEquals(Map.of(Map.of("replica", "\uFFFD"), 1.0), metrics.series("dtr_server_client_connections"));
    }

    @Test
    void aBodyOfJsonNullIsAParseFailure() {
        for (boolean jobs : new boolean[] {false, true}) {
            ByteArrayInputStream body = new ByteArrayInputStream("null".getBytes(StandardCharsets.UTF_8));
            assertThrows(JsonProcessingException.class,
                    () -> Objects.requireNonNull(jobs ? ResponseParsers.jobs(body) : ResponseParsers.clusterStatus(body)));
        }
    }

    @Test
    void aClusterStatusWithARequiredPartNullIsAParseFailure() {
        for (String body : List.of(NULL_SYSTEM_TABLES, "{\"rethink_system_tables\": {}, \"replica_health\": null}")) {
            assertThrows(JsonProcessingException.class, () -> ResponseParsers.clusterStatus(
                    new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))), body);
        }
    }

    @Test
    void aBodyThatIsNotValidUtf32IsAParseFailureNotAnIoError() {
        assertThrows(JsonProcessingException.class, () -> ResponseParsers.jobs(new ByteArrayInputStream(BAD_UTF32)));
    }

    /** Parses both bodies, maps them and checks every format; returns the Prometheus text. */
    private static Exposition render(String clusterStatus, String jobs) throws IOException {
        Duration took = Duration.ofMillis(40);
        ProbeResult result = new ProbeResult(List.of(
                ApiResult.success(ApiCalls.CLUSTER_STATUS, 200, took, ResponseParsers.clusterStatus(
                        new ByteArrayInputStream(clusterStatus.getBytes(StandardCharsets.UTF_8)))),
                ApiResult.success(ApiCalls.JOBS, 200, took,
                        ResponseParsers.jobs(new ByteArrayInputStream(jobs.getBytes(StandardCharsets.UTF_8))))),
                took, TIMEOUT);
        Outcome outcome = new Outcome(unmutated(Fixtures.JOBS));
        checkedExposition(result, 1, outcome);
        assertEquals(List.of(), outcome.problems);
        return Exposition.parse(outcome.text);
    }

    // ---- the same kind of bodies through the real /probe endpoint ----

    @Test
    void mutatedBodiesThroughTheProbeEndpointAnswer200WithAConsistentVerdict(@TempDir Path dir) {
        Kind[] kinds = Kind.values();
        List<Case[]> cases = new ArrayList<>();
        // the pinned bodies first, each as DTR's answer to its call
        cases.add(new Case[] {pinned(Fixtures.CLUSTER_STATUS_HEALTHY, "null"), pinned(Fixtures.JOBS, "null")});
        cases.add(new Case[] {unmutated(Fixtures.CLUSTER_STATUS_HEALTHY), pinned(Fixtures.JOBS, BAD_UTF32)});
        cases.add(new Case[] {pinned(Fixtures.CLUSTER_STATUS_HEALTHY, NULL_ROWS), pinned(Fixtures.JOBS, NULL_JOBS)});
        cases.add(new Case[] {pinned(Fixtures.CLUSTER_STATUS_HEALTHY, NULL_SYSTEM_TABLES), unmutated(Fixtures.JOBS)});
        cases.add(new Case[] {pinned(Fixtures.CLUSTER_STATUS_HEALTHY, NEGATIVE_TOTALS), unmutated(Fixtures.JOBS)});
        cases.add(new Case[] {pinned(Fixtures.CLUSTER_STATUS_HEALTHY, LONE_SURROGATES), unmutated(Fixtures.JOBS)});
        long seed = SEED ^ 0x50C4E7L;
        for (int i = 0; i < SOCKET_CASES; i++) {
            Random which = new Random(mix(seed + i));
            int mutate = which.nextInt(3); // 0 cluster_status, 1 jobs, 2 both
            cases.add(new Case[] {
                mutate == 1 ? unmutated(Fixtures.CLUSTER_STATUS_HEALTHY)
                        : generate(seed, i, CLUSTER_STATUS_BASES, kinds[which.nextInt(kinds.length)]),
                mutate == 0 ? unmutated(Fixtures.JOBS)
                        : generate(seed + SOCKET_CASES, i, JOBS_BASES, kinds[which.nextInt(kinds.length)])});
        }
        try (SimulatedDtr dtr = SimulatedDtr.start();
             ExporterHarness exporter = ExporterHarness.start(dir, """
                     modules:
                       default:
                         basic_auth: {username: %s, password: %s}
                         allowed_targets: ["127.0.0.1"]
                         allow_plain_http: true
                         timeout: 2s
                     """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD))) {
            long slowest = 0;
            int up = 0;
            for (Case[] pair : cases) {
                Case clusterStatus = pair[0];
                Case jobs = pair[1];
                boolean clusterStatusParses = parses(clusterStatus);
                boolean jobsParse = parses(jobs);
                String what = "probe of\n  " + clusterStatus.describe() + "\n  " + jobs.describe();

                dtr.reset();
                dtr.answer(CLUSTER_STATUS, json(200, clusterStatus.mutant().body()))
                        .answer(JOBS, json(200, jobs.mutant().body()));
                long start = System.nanoTime();
                HttpResponse<String> response = exporter.get(ExporterHarness.probePath(dtr.httpTarget(), null));
                long millis = (System.nanoTime() - start) / 1_000_000;
                slowest = Math.max(slowest, millis);
                assertEquals(200, response.statusCode(), () -> what + "\n" + response.body());
                assertTrue(millis < 2000 + 500, what + ": the probe took " + millis + " ms");
                Exposition metrics;
                try {
                    metrics = Exposition.parse(response.body());
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(what + ": invalid exposition", e);
                }
                assertEquals(clusterStatusParses && jobsParse ? 1 : 0, metrics.get("dtr_up"), what);
                up += (int) metrics.get("dtr_up");
                checkCall(metrics, "cluster_status", clusterStatusParses, what);
                checkCall(metrics, "jobs", jobsParse, what);
                assertEquals(metrics.series("dtr_api_up").values().stream().filter(v -> v == 0).count(),
                        metrics.series("dtr_api_error_info").size(), what + ": one error_info per failed call");
            }
            System.out.printf("socket fuzz: %d probes, %d up, slowest %d ms%n", cases.size(), up, slowest);
        }
    }

    private static Case pinned(Fixtures api, String body) {
        return pinned(api, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Case pinned(Fixtures api, byte[] body) {
        return new Case(-1, 0, api, Kind.MIXED, new Mutant(body, "pinned", null));
    }

    private static boolean parses(Case c) {
        try {
            Object ignored = c.isJobs() ? ResponseParsers.jobs(new ByteArrayInputStream(c.mutant().body()))
                    : ResponseParsers.clusterStatus(new ByteArrayInputStream(c.mutant().body()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A call that parsed is up without an error; one that did not is down with reason invalid_response. */
    private static void checkCall(Exposition metrics, String api, boolean parses, String what) {
        assertEquals(parses ? 1 : 0, metrics.get("dtr_api_up", "api", api), what + ": dtr_api_up " + api);
        assertEquals(200, metrics.get("dtr_api_status_code", "api", api), what);
        if (parses) {
            assertTrue(metrics.series("dtr_api_error_info").keySet().stream().noneMatch(l -> api.equals(l.get("api"))),
                    what + ": error_info for a call that succeeded");
        } else {
            assertEquals(1, metrics.get("dtr_api_error_info", "api", api, "reason", "invalid_response"),
                    what + ": reason of " + api);
        }
    }
}
