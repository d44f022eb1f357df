package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connections a module's pool keeps to a DTR, seen from the DTR: HTTP/2 where the DTR offers it,
 * HTTP/1.1 otherwise, few of them, kept across probes, and given up when a probe's deadline cuts it.
 */
class DtrConnectionsTest {
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
            assertEquals(13 * 4, dtr.requests().size(), "four calls per probe");
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
            assertEquals(13 * 4, dtr.requests().size());
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
            List<CompletableFuture<Boolean>> closedByExporter = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket socket = silent.accept(); // reads the request, answers nothing
                        closedByExporter.add(CompletableFuture.supplyAsync(() -> readsToEnd(socket)));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            Exposition metrics = exporter.probe("http://127.0.0.1:" + silent.getLocalPort(), null);
            assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
            Exposition own = Exposition.parse(exporter.get("/metrics").body());
            assertEquals(0, own.get("dtr_exporter_pool_leased_connections", "module", "default"));
            assertEquals(0, own.get("dtr_exporter_pool_pending_connections", "module", "default"));
            assertTrue(closedByExporter.size() >= 1 && closedByExporter.size() <= 2, "connections: " + closedByExporter.size());
            for (CompletableFuture<Boolean> closed : closedByExporter) {
                assertTrue(closed.get(5, TimeUnit.SECONDS), "the exporter closed the connection it gave up");
            }
        }
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
