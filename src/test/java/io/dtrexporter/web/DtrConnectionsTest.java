package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.probe.ApiCalls;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.RecordingDtr;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.testing.TestCertificates.Issued;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connections a module's pool keeps to a DTR, seen from the DTR: HTTP/2 where the DTR offers it,
 * HTTP/1.1 otherwise, few of them, kept across probes, and given up when a probe's deadline cuts it.
 */
class DtrConnectionsTest {
    /** A probe's calls; docs.json is fetched once per module and target in 30 minutes, not per probe. */
    private static final int CALLS_BUT_VERSION = ApiCalls.ALL.size() - 1;

    @TempDir
    static Path dir;
    static Issued ca;
    static Issued server;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.ca("DTR CA");
        server = TestCertificates.server(ca, "localhost");
        TestCertificates.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
    }

    private static String config() {
        return "modules:\n  default:\n    timeout: 5s\n    tls_config: {ca_file: " + dir.resolve("ca.pem") + "}\n";
    }

    @Test
    void aDtrThatOffersHttp2GetsEveryCallOfEveryProbeOnOneHttp2Connection() {
        try (RecordingDtr dtr = RecordingDtr.start(server, true);
             ExporterHarness exporter = ExporterHarness.start(dir, config())) {
            probeInWaves(exporter, dtr.target(), 1, 1); // as Prometheus does: the first probe alone
            probeInWaves(exporter, dtr.target(), 3, 4);
            assertEquals(Set.of("HTTP/2.0"), dtr.protocols());
            assertEquals(13 * CALLS_BUT_VERSION + 1, dtr.requests().size(), "every call of every probe, docs.json once");
            assertEquals(1, dtr.connections().size(), "one connection: " + dtr.connections());
        }
    }

    @Test
    void aDtrWithoutHttp2GetsHttp11OnAtMostTwoConnectionsKeptAcrossProbes() {
        try (RecordingDtr dtr = RecordingDtr.start(server, false);
             ExporterHarness exporter = ExporterHarness.start(dir, config())) {
            probeInWaves(exporter, dtr.target(), 1, 1);
            probeInWaves(exporter, dtr.target(), 3, 4);
            assertEquals(Set.of("HTTP/1.1"), dtr.protocols());
            assertEquals(13 * CALLS_BUT_VERSION + 1, dtr.requests().size());
            assertTrue(dtr.connections().size() <= 2, "at most two connections: " + dtr.connections());
            Exposition own = Exposition.parse(exporter.get("/metrics").body());
            assertEquals(dtr.connections().size(), own.get("dtr_exporter_pool_available_connections", "module", "default"),
                    "kept alive in the pool");
        }
    }

    @Test
    void aProbeCutAtItsDeadlineGivesItsConnectionsUp() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ExporterHarness exporter = ExporterHarness.start(dir, "modules:\n  default:\n    timeout: 1s\n")) {
            List<CompletableFuture<Boolean>> closedByExporter = new CopyOnWriteArrayList<>();
            // reads the request, answers nothing
            acceptForever(silent, socket -> closedByExporter.add(CompletableFuture.supplyAsync(() -> readsToEnd(socket))));

            Exposition metrics = exporter.probe("http://127.0.0.1:" + silent.getLocalPort(), null);
            assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
            assertPoolEmptiesWithinASecond(exporter);
            assertTrue(closedByExporter.size() >= 1 && closedByExporter.size() <= 2, "connections: " + closedByExporter.size());
            for (CompletableFuture<Boolean> closed : closedByExporter) {
                assertTrue(closed.get(5, TimeUnit.SECONDS), "the exporter closed the connection it gave up");
            }
        }
    }

    /**
     * A DTR that accepts and never answers, so the TLS handshake is still running at the deadline.
     * HttpClient's cancel does not reach such a connection: it kept its socket and its pool lease
     * until the module's timeout (here 5 s, plus 1 s), while Prometheus' shorter scrape timeout had
     * ended the probe after 1 s.
     */
    @Test
    void aProbeCutAtItsDeadlineDuringTheTlsHandshakeClosesItsConnectionAndFreesThePool() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ExporterHarness exporter = ExporterHarness.start(dir, config())) {
            List<CompletableFuture<Long>> lifetimes = new CopyOnWriteArrayList<>();
            acceptForever(silent, socket -> lifetimes.add(CompletableFuture.supplyAsync(() -> millisOpen(socket))));
            String target = "https://127.0.0.1:" + silent.getLocalPort();
            for (int probe = 0; probe < 2; probe++) { // the second finds the pool as the first left it
                HttpResponse<String> response = exporter.get(ExporterHarness.probePath(target, null),
                        "X-Prometheus-Scrape-Timeout-Seconds", "1.5"); // deadline: 1.5 s less the 0.5 s offset
                Exposition metrics = Exposition.parse(response.body());
                assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
            }
            // at most one per call: a call waiting for a lease gets one as an earlier call's handshake fails
            assertTrue(lifetimes.size() >= 2 && lifetimes.size() <= 8, "connections: " + lifetimes.size());
            for (CompletableFuture<Long> lifetime : lifetimes) {
                long millis = lifetime.get(10, TimeUnit.SECONDS);
                assertTrue(millis < 3_000, "a connection stayed open " + millis + " ms, past its probe's 1 s deadline");
            }
            assertPoolEmptiesWithinASecond(exporter);
        }
    }

    /**
     * Overlapping probes of a DTR that accepts and never answers: the pool's two connections hang in
     * their handshakes, the other calls wait for a lease and get one just before their deadline.
     * Each connect started then must end at that deadline too. With timeouts fixed when a call
     * started, such a connect ran a whole timeout more (here 1 s) after its probe had answered: in
     * the overload benchmark, 106 sockets to one DTR were open at once, with a pool of two.
     */
    @Test
    void callsThatWaitedForTheLeaseOfAStalledDtrCloseTheirConnectionsByTheirDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ExporterHarness exporter = ExporterHarness.start(dir, config())) {
            List<CompletableFuture<Long>> closedAt = new CopyOnWriteArrayList<>();
            acceptForever(silent, socket -> closedAt.add(CompletableFuture.supplyAsync(() -> {
                readsToEnd(socket);
                return System.nanoTime();
            })));
            String target = "https://127.0.0.1:" + silent.getLocalPort();
            List<CompletableFuture<HttpResponse<String>>> probes = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // a deadline every 150 ms: the next waiter gets each lease given up
                probes.add(CompletableFuture.supplyAsync(() -> exporter.get(ExporterHarness.probePath(target, null),
                        "X-Prometheus-Scrape-Timeout-Seconds", "1.5"))); // deadline 1 s
                Thread.sleep(150);
            }
            for (CompletableFuture<HttpResponse<String>> probe : probes) {
                assertEquals(1, Exposition.parse(probe.join().body())
                        .get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
            }
            long answered = System.nanoTime();
            Thread.sleep(300); // connects started at the deadline reach the DTR a little later
            assertTrue(closedAt.size() > 2, "calls that waited for a lease connected too: " + closedAt.size());
            for (CompletableFuture<Long> closed : closedAt) {
                long afterAnswers = TimeUnit.NANOSECONDS.toMillis(closed.get(10, TimeUnit.SECONDS) - answered);
                assertTrue(afterAnswers < 600, "a connection stayed open " + afterAnswers
                        + " ms after every probe had answered at its 1 s deadline");
            }
        }
    }

    /**
     * The exporter's /metrics shows no connection of module default leased or waited for, within a
     * second: a cancelled exchange gives its lease back on a reactor thread, just after the answer.
     */
    private static void assertPoolEmptiesWithinASecond(ExporterHarness exporter) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        double leased;
        double pending;
        do {
            Exposition own = Exposition.parse(exporter.get("/metrics").body());
            leased = own.get("dtr_exporter_pool_leased_connections", "module", "default");
            pending = own.get("dtr_exporter_pool_pending_connections", "module", "default");
            if (leased == 0 && pending == 0) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() - giveUp < 0);
        assertEquals(0, leased, "leased connections a second after the probe");
        assertEquals(0, pending, "pending connection requests a second after the probe");
    }

    /** Hands every connection the server accepts to {@code accepted}, on a daemon thread. */
    private static void acceptForever(ServerSocket server, Consumer<Socket> accepted) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.accept(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** How long the peer kept the connection open, reading (and dropping) what it sends; at most 10 s. */
    private static long millisOpen(Socket socket) {
        long start = System.nanoTime();
        readsToEnd(socket);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** {@code waves} rounds of {@code perWave} probes at once, each expected to be up. */
    private static void probeInWaves(ExporterHarness exporter, String target, int waves, int perWave) {
        for (int wave = 0; wave < waves; wave++) {
            List<CompletableFuture<Exposition>> probes = new ArrayList<>();
            for (int i = 0; i < perWave; i++) {
                probes.add(CompletableFuture.supplyAsync(() -> exporter.probe(target, null)));
            }
            for (CompletableFuture<Exposition> probe : probes) {
                Exposition metrics = probe.join();
                assertEquals(1, metrics.get("dtr_up"), () -> metrics.series("dtr_api_error_info").toString());
            }
        }
    }

    /** True when the peer closed the connection (end of stream), false when it stayed open for 10 s. */
    private static boolean readsToEnd(Socket socket) {
        try (socket; InputStream in = socket.getInputStream()) {
            socket.setSoTimeout(10_000);
            while (in.read() != -1) {
                // the request, then nothing
            }
            return true;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }
}
