package io.dtrexporter.probe;

import static io.dtrexporter.testing.SimulatedDtr.DOCS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockserver.model.HttpRequest.request;

import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.BasicAuth;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.Secret;
import io.dtrexporter.config.TlsConfig;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.DtrClient;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.dtr.model.DtrVersion;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.work.DeadlineExecutor;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs.json is read at most once per module and target every 30 minutes: probes against the
 * simulated DTR with a clock the test moves, so that nothing waits half an hour.
 */
class ReusedAnswersTest {
    private static final String UPGRADED_DOCS = "{\"swagger\":\"2.0\",\"info\":{\"title\":\"Docker Trusted Registry\","
            + "\"version\":\"2.9.5\"},\"paths\":{}}";
    static SimulatedDtr dtr;
    static ScheduledExecutorService deadlines;
    static DeadlineExecutor cpu;
    static DtrClient.Shared shared;
    static DtrClient client;
    static ModuleConfig config;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private ReusedAnswers cache;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start();
        deadlines = Executors.newSingleThreadScheduledExecutor();
        cpu = new DeadlineExecutor(1, "test-cpu");
        shared = new DtrClient.Shared("test", deadlines, cpu);
        config = new ModuleConfig("m", Optional.of(new BasicAuth(SimulatedDtr.USER, new Secret<>(SimulatedDtr.PASSWORD))),
                TlsConfig.DEFAULT, AllowedTargets.ANY, true, 100, Duration.ofSeconds(5));
        client = new DtrClient(config, shared);
    }

    @AfterAll
    static void stop() {
        client.close();
        dtr.close();
        deadlines.shutdownNow();
        cpu.close();
    }

    @BeforeEach
    void reset() {
        dtr.reset();
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        cache = new ReusedAnswers(clock::get, ReusedAnswers.MAX_TARGETS);
    }

    @Test
    void probesWithinTheIntervalShareOneFetchAndStillExportTheVersion() {
        for (int i = 0; i < 3; i++) {
            ProbeResult result = probe();
            Exposition metrics = metrics(result);
            assertEquals(1, metrics.get("dtr_build_info", "version", "2.9.4"), "probe " + i);
            assertEquals(1, metrics.get("dtr_api_up", "api", "version"));
            assertEquals(1, metrics.get("dtr_up"));
            if (i > 0) {
                String log = ProbeLog.of(i, Instant.now(), config, target(), result).text();
                assertTrue(log.contains("/api/v0/docs.json not made: the answer of "), log);
            }
            clock.addAndGet(Duration.ofMinutes(10).toNanos());
        }
        assertEquals(1, fetches());
    }

    @Test
    void theDocumentIsFetchedAgainOnceTheIntervalHasPassed() {
        probe();
        clock.addAndGet(ApiCalls.VERSION.reusedFor().toNanos() - 1);
        probe();
        assertEquals(1, fetches());
        dtr.answer(DOCS, SimulatedDtr.json(200, UPGRADED_DOCS));
        clock.addAndGet(1);
        Exposition metrics = metrics(probe());
        assertEquals(2, fetches());
        assertEquals(Map.of(Map.of("version", "2.9.5"), 1.0), metrics.series("dtr_build_info"), "the upgrade shows");
    }

    @Test
    void aFailedFetchFailsTheCallAndKeepsTheLastVersion() {
        probe();
        dtr.answer(DOCS, SimulatedDtr.error(500, "INTERNAL_ERROR", "boom"));
        clock.addAndGet(ApiCalls.VERSION.reusedFor().toNanos());
        for (int i = 0; i < 2; i++) { // a failure is no fresh answer: the next probe tries again
            Exposition metrics = metrics(probe());
            assertEquals(0, metrics.get("dtr_up"));
            assertEquals(0, metrics.get("dtr_api_up", "api", "version"));
            assertEquals(500, metrics.get("dtr_api_status_code", "api", "version"));
            assertEquals(1, metrics.get("dtr_api_error_info", "api", "version", "reason", "http_status"));
            assertEquals(Map.of(Map.of("version", "2.9.4"), 1.0), metrics.series("dtr_build_info"));
        }
        assertEquals(3, fetches());
    }

    @Test
    void withoutAnyGoodFetchThereIsNoVersion() {
        dtr.answer(DOCS, SimulatedDtr.json(200, "{\"swagger\":\"2.0\",\"info\":{\"title\":\"no version\"}}"));
        Exposition metrics = metrics(probe());
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "version", "reason", "invalid_response"));
        assertFalse(metrics.has("dtr_build_info"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "cluster_status"), "the other calls are not affected");
    }

    @Test
    void theCacheKeepsTheMostRecentKeysOnly() {
        ReusedAnswers small = new ReusedAnswers(clock::get, 2);
        AtomicInteger fetched = new AtomicInteger();
        for (String target : List.of("https://a.example", "https://b.example", "https://c.example", "https://b.example")) {
            small.answer(ApiCalls.VERSION, "m", Target.parse(target), () -> fakeFetch(fetched)).join();
        }
        assertEquals(3, fetched.get(), "b was recent enough to be kept");
        assertEquals(2, small.size());
        small.answer(ApiCalls.VERSION, "m", Target.parse("https://a.example"), () -> fakeFetch(fetched)).join();
        assertEquals(4, fetched.get(), "a was the least recent and went");
        small.answer(ApiCalls.VERSION, "other", Target.parse("https://b.example"), () -> fakeFetch(fetched)).join();
        assertEquals(5, fetched.get(), "another module's key is another key");
    }

    @Test
    void probesDuringAFetchShareIt() {
        AtomicInteger fetched = new AtomicInteger();
        CompletableFuture<ApiResult<DtrVersion>> slow = new CompletableFuture<>();
        Target target = Target.parse("https://a.example");
        CompletableFuture<ApiResult<DtrVersion>> first = cache.answer(ApiCalls.VERSION, "m", target, () -> {
            fetched.incrementAndGet();
            return slow;
        });
        CompletableFuture<ApiResult<DtrVersion>> second = cache.answer(ApiCalls.VERSION, "m", target, () -> fakeFetch(fetched));
        assertEquals(1, fetched.get());
        assertFalse(second.isDone());
        slow.complete(fakeFetch(new AtomicInteger()).join());
        assertEquals("2.9.4", first.join().body().orElseThrow().version());
        assertEquals("2.9.4", second.join().body().orElseThrow().version());
        assertTrue(second.join().reusedFrom().isPresent(), "the second probe made no call");
        cache.answer(ApiCalls.VERSION, "m", target, () -> fakeFetch(fetched)).join();
        assertEquals(1, fetched.get(), "and the answer is kept");
    }

    @Test
    void aReloadDropsTheVersionsSeen(@TempDir Path dir) {
        ExporterConfig exporterConfig = new ExporterConfig(dir.resolve("exporter.yml"), Map.of("m", config), List.of());
        ProbeModules modules = ProbeModules.start(exporterConfig, shared);
        try {
            Prober.probe(target(), modules.module("m").orElseThrow(), Duration.ofSeconds(5), System.nanoTime()).join();
            Prober.probe(target(), modules.module("m").orElseThrow(), Duration.ofSeconds(5), System.nanoTime()).join();
            assertEquals(1, fetches());
            ProbeModules reloaded = modules.next(exporterConfig, shared);
            assertTrue(reloaded.retiredBy(modules).isEmpty() && modules.retiredBy(reloaded).isEmpty(),
                    "an unchanged module keeps its pool");
            Prober.probe(target(), reloaded.module("m").orElseThrow(), Duration.ofSeconds(5), System.nanoTime()).join();
            assertEquals(2, fetches());
        } finally {
            modules.close();
        }
    }

    private static CompletableFuture<ApiResult<DtrVersion>> fakeFetch(AtomicInteger fetched) {
        fetched.incrementAndGet();
        return CompletableFuture.completedFuture(ApiResult.success(ApiCalls.VERSION, 200, Duration.ofMillis(1),
                new DtrVersion(new DtrVersion.Info("2.9.4"))));
    }

    private ProbeResult probe() {
        return Prober.probe(target(), new ProbeModules.Module(config, client, cache), Duration.ofSeconds(5),
                System.nanoTime()).join();
    }

    private static Target target() {
        return Target.parse(dtr.httpTarget());
    }

    private static int fetches() {
        return dtr.received(request().withPath(DOCS)).length;
    }

    private static Exposition metrics(ProbeResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, ProbeMetrics.of(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Exposition.parse(out.toString(StandardCharsets.UTF_8));
    }
}
