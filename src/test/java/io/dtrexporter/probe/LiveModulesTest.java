package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.DtrClient;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.work.DeadlineExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which pools a reload keeps, and that replaced ones are closed, at the latest when the exporter stops. */
class LiveModulesTest {
    // a new instance per test: each gets its own executors and modules
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
    private final DeadlineExecutor cpu = new DeadlineExecutor(1, "test-cpu");
    private final AtomicReference<ExporterConfig> next = new AtomicReference<>(config(Duration.ofSeconds(10)));
    private final List<Boolean> outcomes = new ArrayList<>();
    private final LiveModules live = new LiveModules(next::get, new DtrClient.Shared("test", deadlines, cpu), scheduler,
            outcomes::add);

    @Test
    void aReplacedPoolIsClosedWhenTheExporterStopsBeforeItsGraceEnds() {
        DtrClient first = live.get().module("m").orElseThrow().client();

        live.reload(); // same settings: same pool
        assertSame(first, live.get().module("m").orElseThrow().client());

        next.set(config(Duration.ofSeconds(20))); // changed settings: a new pool, the old one retires
        live.reload();
        assertNotSame(first, live.get().module("m").orElseThrow().client());
        assertEquals(List.of(true, true, true), outcomes);

        live.close(); // well before the old pool's 20 s + 5 s grace
        scheduler.shutdownNow();
        ApiResult<?> call = first.call(Target.parse("http://127.0.0.1:1"), ApiCalls.CLUSTER_STATUS, "/",
                System.nanoTime() + 1_000_000_000L).join();
        deadlines.shutdownNow();
        assertTrue(call.failure().orElseThrow().detail().toLowerCase().contains("shut down"),
                "the retired pool was closed: " + call.failure());
    }

    /** SIGHUP next to SIGTERM: the reload may come after the stop; it must not make pools nobody closes. */
    @Test
    void aReloadAfterTheStopChangesNothingAndThrowsNothing() {
        ProbeModules before = live.get();

        live.close(); // as Running.close does: the modules, then the scheduler
        scheduler.shutdownNow();
        next.set(config(Duration.ofSeconds(20))); // a changed module would get a new pool
        Optional<String> refusal = live.reload();
        deadlines.shutdownNow();

        assertEquals(Optional.of("the exporter is stopping"), refusal);
        assertSame(before, live.get(), "no new pools after the stop");
        assertEquals(List.of(true), outcomes, "not counted as a failed reload");
    }

    private static ExporterConfig config(Duration timeout) {
        ModuleConfig anonymous = ModuleConfig.anonymous("m");
        ModuleConfig module = new ModuleConfig("m", anonymous.basicAuth(), anonymous.tls(), anonymous.allowedTargets(),
                anonymous.allowPlainHttp(), anonymous.jobCount(), timeout);
        return new ExporterConfig(Path.of("exporter.yml"), Map.of("m", module), List.of());
    }
}
