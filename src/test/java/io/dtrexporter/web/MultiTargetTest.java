package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockserver.model.HttpRequest.request;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.probe.ApiCalls;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockserver.model.HttpRequest;

/** Two DTRs with their own modules, probed at once many times: nothing of one reaches the other. */
class MultiTargetTest {
    private static final String OTHER_PASSWORD = "another-Secret-42";

    @TempDir
    static Path dir;
    static SimulatedDtr healthy;
    static SimulatedDtr sick;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        healthy = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        sick = SimulatedDtr.start().withPassword(OTHER_PASSWORD).serving(Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA, Fixtures.JOBS_NULL);
        exporter = ExporterHarness.start(dir, """
                modules:
                  healthy:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                  sick:
                    basic_auth: {username: %1$s, password: %3$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD, OTHER_PASSWORD));
    }

    @AfterAll
    static void stop() {
        exporter.close();
        healthy.close();
        sick.close();
    }

    @Test
    void concurrentProbesOfTwoDtrsKeepTheirOwnFiguresAndCredentials() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<Exposition>> healthyProbes = new ArrayList<>();
        List<Future<Exposition>> sickProbes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            healthyProbes.add(clients.submit(() -> exporter.probe(healthy.httpTarget(), "healthy")));
            sickProbes.add(clients.submit(() -> exporter.probe(sick.httpTarget(), "sick")));
        }
        for (Future<Exposition> probe : healthyProbes) {
            Exposition metrics = probe.get();
            assertEquals(1, metrics.get("dtr_up"));
            assertEquals(0, metrics.get("dtr_server_health_count", "health", "unhealthy"));
            assertEquals(100, metrics.series("dtr_job_total").values().stream().mapToDouble(Double::doubleValue).sum());
        }
        for (Future<Exposition> probe : sickProbes) {
            Exposition metrics = probe.get();
            assertEquals(1, metrics.get("dtr_up"));
            assertEquals(1, metrics.get("dtr_server_health_count", "health", "unhealthy"));
            assertEquals(0, metrics.series("dtr_job_total").size());
        }
        clients.shutdown();
        // each DTR saw only its own module's password
        HttpRequest wrongForHealthy = request().withHeader("Authorization", SimulatedDtr.basic(SimulatedDtr.USER, OTHER_PASSWORD));
        HttpRequest wrongForSick = request().withHeader("Authorization", SimulatedDtr.basic(SimulatedDtr.USER, SimulatedDtr.PASSWORD));
        assertEquals(0, healthy.received(wrongForHealthy).length);
        assertEquals(0, sick.received(wrongForSick).length);
        // every call of every probe, but docs.json once per DTR: probes during its fetch share it
        int calls = 40 * (ApiCalls.ALL.size() - 1) + 1;
        assertEquals(calls, healthy.received().length);
        assertEquals(calls, sick.received().length);
    }

    @Test
    void aDeadTargetDoesNotSlowAnotherModulesProbes() throws Exception {
        healthy.reset();
        healthy.answer(SimulatedDtr.CLUSTER_STATUS, SimulatedDtr.delayed(
                SimulatedDtr.json(200, Fixtures.CLUSTER_STATUS_HEALTHY.bytes()), 3000))
                .answer(SimulatedDtr.JOBS, SimulatedDtr.json(200, Fixtures.JOBS.bytes()));
        ExecutorService clients = Executors.newFixedThreadPool(12);
        List<Future<?>> slow = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            slow.add(clients.submit(() -> exporter.probe(healthy.httpTarget(), "healthy")));
        }
        long start = System.nanoTime();
        Exposition metrics = clients.submit(() -> exporter.probe(sick.httpTarget(), "sick")).get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(true, millis < 2500, "a fast DTR's probe waited " + millis + " ms behind slow ones");
        for (Future<?> probe : slow) {
            probe.get();
        }
        clients.shutdown();
        healthy.reset();
        healthy.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
    }
}
