package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.DemoDtr;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
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

/**
 * Many probes at once, some to a DTR that accepts connections and never answers. The healthy DTR is
 * the demo's (Undertow serving the fixtures): MockServer spends more CPU per answer than the exporter
 * per probe, so under load it would measure itself.
 */
class ProbeLoadTest {
    @TempDir
    static Path dir;
    static DemoDtr healthy;
    static ServerSocket blackHole;
    static final List<Socket> swallowed = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        healthy = DemoDtr.start();
        blackHole = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!blackHole.isClosed()) {
                try {
                    swallowed.add(blackHole.accept()); // read nothing, answer nothing
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        healthy.close();
        blackHole.close();
        for (Socket socket : swallowed) {
            socket.close();
        }
    }

    private static String config() {
        return """
                modules:
                  default:
                    timeout: 2s
                """;
    }

    @Test
    void twoHundredProbesAFifthOfThemStuckLeaveEveryHealthyProbeSucceeding() throws Exception {
        String stuck = "http://127.0.0.1:" + blackHole.getLocalPort();
        try (ExporterHarness exporter = ExporterHarness.start(dir, config())) {
            for (int i = 0; i < 20; i++) { // a cold JVM is many times slower than a warm one
                exporter.probe(healthy.target(), null);
            }
            ExecutorService clients = Executors.newFixedThreadPool(200);
            List<Future<Exposition>> healthyProbes = new ArrayList<>();
            List<Future<Exposition>> stuckProbes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                if (i % 5 == 0) {
                    stuckProbes.add(clients.submit(() -> exporter.probe(stuck, null)));
                } else {
                    healthyProbes.add(clients.submit(() -> exporter.probe(healthy.target(), null)));
                }
            }
            for (Future<Exposition> probe : healthyProbes) {
                Exposition metrics = probe.get();
                assertEquals(1, metrics.get("dtr_up"), () -> metrics.series("dtr_api_error_info").toString());
            }
            for (Future<Exposition> probe : stuckProbes) {
                Exposition metrics = probe.get();
                assertEquals(0, metrics.get("dtr_up"));
                assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
            }
            clients.shutdown();
        }
    }

    @Test
    void probesBeyondTheLimitGet503WithRetryAfter() throws Exception {
        String stuck = "http://127.0.0.1:" + blackHole.getLocalPort();
        try (ExporterHarness exporter = ExporterHarness.start(dir, config().replace("2s", "5s"),
                "--probe.max-concurrent=10")) {
            ExecutorService clients = Executors.newFixedThreadPool(40);
            List<Future<HttpResponse<String>>> probes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                probes.add(clients.submit(() -> exporter.get(ExporterHarness.probePath(stuck, null))));
            }
            // every slot is held by a probe that waits 5 s for a DTR that never answers...
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (inFlight(exporter) < 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(10, inFlight(exporter));
            // ...so these wait 1 s for a slot, in vain
            for (int i = 0; i < 30; i++) {
                probes.add(clients.submit(() -> exporter.get(ExporterHarness.probePath(stuck, null))));
            }
            int ok = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> probe : probes) {
                HttpResponse<String> response = probe.get();
                if (response.statusCode() == 503) {
                    refused++;
                    assertEquals("1", response.headers().firstValue("Retry-After").orElse(""));
                    assertTrue(response.body().startsWith("too many probes in flight"));
                } else {
                    assertEquals(200, response.statusCode());
                    ok++;
                }
            }
            clients.shutdown();
            assertEquals(10, ok, "probes that got a slot");
            assertEquals(30, refused);
            Exposition own = Exposition.parse(exporter.get("/metrics").body());
            assertEquals(30, own.get("dtr_exporter_probes_refused_total"));
            assertEquals(0, own.get("dtr_exporter_probes_in_flight"));
        }
    }

    private static double inFlight(ExporterHarness exporter) {
        return Exposition.parse(exporter.get("/metrics").body()).get("dtr_exporter_probes_in_flight");
    }
}
