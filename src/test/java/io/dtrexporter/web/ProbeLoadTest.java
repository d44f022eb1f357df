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
import java.util.Map;
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

    /**
     * Twice as many probes as slots, a fifth of them of a DTR that never answers: each admitted
     * probe of the healthy DTR succeeds, each of the stuck one ends at its deadline with reason
     * timeout, the excess is refused with a 503, and nothing answers long after the deadline. The
     * bounds are loose (a slow CI machine), but an exporter that queued requests before their slot
     * wait, as it once did, answers many seconds late.
     */
    @Test
    void anOverloadOfStuckAndHealthyProbesIsAnsweredInTimeSucceedingOrRefused() throws Exception {
        String stuck = "http://127.0.0.1:" + blackHole.getLocalPort();
        try (ExporterHarness exporter = ExporterHarness.start(dir, config(), "--probe.max-concurrent=50")) {
            for (int i = 0; i < 20; i++) { // a cold JVM is many times slower than a warm one
                exporter.probe(healthy.target(), null);
            }
            ExecutorService clients = Executors.newFixedThreadPool(100);
            List<Future<Answer>> healthyProbes = new ArrayList<>();
            List<Future<Answer>> stuckProbes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String target = i % 5 == 0 ? stuck : healthy.target();
                (target.equals(stuck) ? stuckProbes : healthyProbes).add(clients.submit(() -> Answer.of(exporter, target)));
            }
            int admitted = 0;
            for (Future<Answer> probe : healthyProbes) {
                Answer answer = probe.get();
                if (answer.status() == 200) {
                    admitted++;
                    assertEquals(1, answer.metrics().get("dtr_up"),
                            () -> answer.metrics().series("dtr_api_error_info").toString());
                }
                answer.assertInTimeOrRefused();
            }
            for (Future<Answer> probe : stuckProbes) {
                Answer answer = probe.get();
                if (answer.status() == 200) {
                    admitted++;
                    assertEquals(0, answer.metrics().get("dtr_up"));
                    assertEquals(Map.of("api", "cluster_status", "reason", "timeout"), answer.metrics()
                            .series("dtr_api_error_info").keySet().stream().filter(labels -> labels.containsValue("cluster_status"))
                            .findFirst().orElse(Map.of()), answer.body());
                }
                answer.assertInTimeOrRefused();
            }
            clients.shutdown();
            assertTrue(admitted >= 50, "at least as many admitted as there are slots: " + admitted);
        }
    }

    /** One probe's answer and how long it took, as the client saw it. */
    private record Answer(int status, String body, double seconds) {
        /** The deadline (2 s), and what may come after it on a loaded machine. */
        static final double LATEST_ANSWER_SECONDS = 2 + 1.5;
        /** The wait for a slot (1 s), and likewise. */
        static final double LATEST_REFUSAL_SECONDS = 1 + 1.5;

        static Answer of(ExporterHarness exporter, String target) {
            long start = System.nanoTime();
            HttpResponse<String> response = exporter.get(ExporterHarness.probePath(target, null));
            return new Answer(response.statusCode(), response.body(), (System.nanoTime() - start) / 1e9);
        }

        Exposition metrics() {
            return Exposition.parse(body);
        }

        void assertInTimeOrRefused() {
            if (status == 503) {
                assertTrue(body.startsWith("too many probes in flight"), body);
                assertTrue(seconds < LATEST_REFUSAL_SECONDS, "refused after " + seconds + " s");
            } else {
                assertEquals(200, status, body);
                assertTrue(seconds < LATEST_ANSWER_SECONDS, "answered after " + seconds + " s");
            }
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
