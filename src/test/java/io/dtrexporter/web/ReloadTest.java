package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading the configuration while the exporter runs. */
class ReloadTest {
    private static final String NEW_PASSWORD = "rotated-Pa55";
    static SimulatedDtr dtr;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
    }

    @AfterAll
    static void stop() {
        dtr.close();
    }

    private static String module(String name, String passwordLine) {
        return """
                  %s:
                    basic_auth: {username: %s, %s}
                    allowed_targets: [127.0.0.1]
                    allow_plain_http: true
                """.formatted(name, SimulatedDtr.USER, passwordLine);
    }

    @Test
    void postReloadSwapsTheConfigKeepsUnchangedPoolsAndRefusesABrokenOne() throws Exception {
        String stable = module("stable", "password: " + SimulatedDtr.PASSWORD);
        try (ExporterHarness exporter = ExporterHarness.start(dir, "modules:\n" + stable, "--web.enable-lifecycle")) {
            assertEquals(1, exporter.probe(dtr.httpTarget(), "stable").get("dtr_up"));
            // the calls of a probe run in parallel, on kept-alive connections
            double kept = own(exporter).get("dtr_exporter_pool_available_connections", "module", "stable");
            assertTrue(kept >= 1, "kept-alive connections: " + kept);

            Files.writeString(dir.resolve("exporter.yml"), "modules:\n" + stable
                    + module("added", "password: " + SimulatedDtr.PASSWORD));
            HttpResponse<String> reloaded = post(exporter, "/-/reload");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertEquals(1, exporter.probe(dtr.httpTarget(), "added").get("dtr_up"));
            // the unchanged module kept its pool, with its kept-alive connections; the new one has its own
            assertEquals(kept, own(exporter).get("dtr_exporter_pool_available_connections", "module", "stable"));
            assertTrue(own(exporter).get("dtr_exporter_pool_available_connections", "module", "added") >= 1);
            assertEquals(1, own(exporter).get("dtr_exporter_config_last_reload_successful"));

            Files.writeString(dir.resolve("exporter.yml"), "modules:\n  broken:\n    timeout: ten\n");
            HttpResponse<String> refused = post(exporter, "/-/reload");
            assertEquals(500, refused.statusCode());
            assertEquals("config not reloaded: config file " + dir.resolve("exporter.yml")
                    + ": modules.broken.timeout: \"ten\" is not a duration (e.g. 500ms, 10s, 1m)\n", refused.body());
            assertEquals(0, own(exporter).get("dtr_exporter_config_last_reload_successful"));
            assertEquals(1, exporter.probe(dtr.httpTarget(), "added").get("dtr_up"), "the running config stays");

            assertEquals(405, exporter.get("/-/reload").statusCode());
        }
    }

    @Test
    void reloadIsRefusedWithoutTheLifecycleFlag() throws Exception {
        try (ExporterHarness exporter = ExporterHarness.start(dir, "modules: {}\n")) {
            HttpResponse<String> response = post(exporter, "/-/reload");
            assertEquals(403, response.statusCode());
            assertEquals("lifecycle API is not enabled; start with --web.enable-lifecycle\n", response.body());
        }
    }

    @Test
    void aRotatedPasswordFileIsPickedUpByAutoReload() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), "not-yet-the-password\n");
        try (ExporterHarness exporter = ExporterHarness.start(dir,
                "modules:\n" + module("prod", "password_file: password"), "--config.auto-reload-interval=200ms")) {
            dtr.reset();
            dtr.withPassword(NEW_PASSWORD).serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
            assertEquals(0, exporter.probe(dtr.httpTarget(), "prod").get("dtr_up"));
            Files.writeString(passwordFile, NEW_PASSWORD + "\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            double up = 0;
            while (up == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                up = exporter.probe(dtr.httpTarget(), "prod").get("dtr_up");
            }
            assertEquals(1, up, "the new password was not used within 5 s");
        } finally {
            dtr.reset();
            dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        }
    }

    @Test
    void aRotatedCaFileIsPickedUpByAutoReload() throws Exception {
        Path caFile = TestCertificates.writeCertificate(dir.resolve("ca.pem"),
                TestCertificates.ca("Not the DTR's CA").certificate());
        try (ExporterHarness exporter = ExporterHarness.start(dir, """
                modules:
                  prod:
                    basic_auth: {username: %s, password: %s}
                    allowed_targets: [127.0.0.1]
                    tls_config: {ca_file: ca.pem}
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD), "--config.auto-reload-interval=200ms")) {
            Exposition before = exporter.probe(dtr.httpsTarget(), "prod");
            assertEquals(1, before.get("dtr_api_error_info", "api", "cluster_status", "reason", "tls"));
            Files.copy(SimulatedDtr.writeMockServerCa(Files.createTempDirectory(dir, "ca")), caFile,
                    StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            double up = 0;
            while (up == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                up = exporter.probe(dtr.httpsTarget(), "prod").get("dtr_up");
            }
            assertEquals(1, up, "the rotated CA was not used within 5 s");
        }
    }

    @Test
    void probesRunningAcrossReloadsAllSucceed() throws Exception {
        String stable = module("stable", "password: " + SimulatedDtr.PASSWORD);
        try (ExporterHarness exporter = ExporterHarness.start(dir, "modules:\n" + stable, "--web.enable-lifecycle")) {
            dtr.reset();
            dtr.answer(SimulatedDtr.CLUSTER_STATUS, SimulatedDtr.delayed(
                    SimulatedDtr.json(200, Fixtures.CLUSTER_STATUS_HEALTHY.bytes()), 300))
                    .answer(SimulatedDtr.JOBS, SimulatedDtr.json(200, Fixtures.JOBS.bytes()));
            var clients = java.util.concurrent.Executors.newFixedThreadPool(8);
            var probes = new java.util.ArrayList<java.util.concurrent.Future<Exposition>>();
            for (int i = 0; i < 40; i++) {
                probes.add(clients.submit(() -> exporter.probe(dtr.httpTarget(), "stable")));
                if (i % 5 == 0) {
                    // each reload changes the module (its timeout), so it gets a new pool each time
                    Files.writeString(dir.resolve("exporter.yml"), "modules:\n" + stable + "    timeout: " + (10 + i) + "s\n");
                    assertEquals(200, post(exporter, "/-/reload").statusCode());
                }
            }
            for (var probe : probes) {
                assertEquals(1, probe.get().get("dtr_up"));
            }
            clients.shutdown();
        } finally {
            dtr.reset();
            dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        }
    }

    private static Exposition own(ExporterHarness exporter) {
        return Exposition.parse(exporter.get("/metrics").body());
    }

    private static HttpResponse<String> post(ExporterHarness exporter, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(exporter.url(path)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
