package io.dtrexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.ConfigException;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ChildProcesses;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.FreePorts;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The old exporter's flags and environment variables: an existing deployment keeps working. */
class LegacyFlagsTest {
    /** Figures that differ from one probe to the next whatever the DTR says. */
    private static final Set<String> TIMINGS = Set.of("dtr_scrape_latency", "dtr_api_duration_seconds");
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

    private static Map<String, String> oldEnvironment() {
        return Map.of("CONNECTION_STRING", dtr.httpTarget(), "DTR_USERNAME", SimulatedDtr.USER,
                "DTR_PASSWORD", SimulatedDtr.PASSWORD, "ENABLE_TLS", "false", "JOB_COUNT", "100");
    }

    @Test
    void theOldEnvironmentServesTheDtrOnMetricsAsAProbeOfModuleDefaultDoes() throws Exception {
        // the old `docker run -e CONNECTION_STRING=...` line: a process in a folder without exporter.yml,
        // no flag but the port
        int port = FreePorts.loopback();
        ProcessBuilder builder = new ProcessBuilder(ChildProcesses.withDefaultSignals(ChildProcesses.java(Main.class)))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        builder.environment().putAll(oldEnvironment());
        builder.environment().put("PORT", Integer.toString(port));
        Process exporter = builder.start();
        try {
            String base = "http://127.0.0.1:" + port;
            String page = awaitPage(base + "/metrics", exporter);
            Exposition metrics = Exposition.parse(page);
            Exposition probe = Exposition.parse(get(base + "/probe?module=default&target="
                    + URLEncoder.encode(dtr.httpTarget(), StandardCharsets.UTF_8)).body());
            assertEquals(1, metrics.get("dtr_up"));
            for (String name : probe.names()) {
                if (!TIMINGS.contains(name)) {
                    assertEquals(probe.series(name), metrics.series(name), name);
                }
            }
            assertTrue(metrics.has("dtr_exporter_build_info"), "and the exporter's own metrics");
        } finally {
            ChildProcesses.stop(exporter);
        }
    }

    /**
     * The image's exporter.yml has a module default, which the old flags replace: one warning says so,
     * and a start that fails on a taken port adds only its error, no "stopped" for what never started.
     */
    @Test
    void aTakenPortWithTheOldFlagsReplacingTheFilesDefaultPrintsTheWarningOnceThenTheError() throws Exception {
        Files.writeString(dir.resolve("exporter.yml"), "modules:\n  default: {}\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            ProcessBuilder builder = new ProcessBuilder(ChildProcesses.withDefaultSignals(
                    ChildProcesses.java(Main.class, "--web.listen-address=" + address)))
                    .directory(dir.toFile()).redirectError(dir.resolve("stderr").toFile())
                    .redirectOutput(dir.resolve("stdout").toFile());
            builder.environment().putAll(oldEnvironment());
            Process exporter = builder.start();
            try {
                assertTrue(exporter.waitFor(60, TimeUnit.SECONDS), "the exporter exits");
            } finally {
                ChildProcesses.stop(exporter);
            }

            List<String> stderr = Files.readAllLines(dir.resolve("stderr"));
            assertEquals(1, exporter.exitValue());
            assertEquals(2, stderr.size(), String.join("\n", stderr));
            assertTrue(stderr.get(0).matches("ts=\\S+ level=warn caller=ConfigLoader msg=\"config file exporter.yml:"
                    + " modules.default is replaced by the old exporter's flags \\(--connection-string, --dtr-\\*\\)\""),
                    stderr.get(0));
            assertEquals("dtr-exporter: error: cannot listen on " + address + ": address already in use", stderr.get(1));
            assertEquals("", Files.readString(dir.resolve("stdout")));
        }
    }

    private String awaitPage(String url, Process exporter) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                HttpResponse<String> response = get(url);
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!exporter.isAlive()) {
                throw new AssertionError("the exporter stopped: " + Files.readString(dir.resolve("log")));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer from " + url + ": " + Files.readString(dir.resolve("log")));
    }

    @Test
    void flagsWinOverTheEnvironment() throws Exception {
        try (Main.Running exporter = Main.start(Map.of("CONNECTION_STRING", "http://127.0.0.1:1",
                        "DTR_USERNAME", SimulatedDtr.USER, "DTR_PASSWORD", "wrong", "ENABLE_TLS", "false"),
                "--web.listen-address=127.0.0.1:0", "--config.file=" + Files.writeString(dir.resolve("empty.yml"), "modules: {}\n"),
                "--connection-string=" + dtr.httpTarget(), "--dtr-password=" + SimulatedDtr.PASSWORD)) {
            Exposition metrics = Exposition.parse(get("http://127.0.0.1:" + exporter.port() + "/metrics").body());
            assertEquals(1, metrics.get("dtr_up"));
        }
    }

    @Test
    void anotherProgramsTimeoutInTheEnvironmentMattersOnlyWithAConnectionString() {
        Flags flags = Flags.parse(Map.of("TIMEOUT", "30", "JOB_COUNT", "lots"));
        assertTrue(flags.legacy().isEmpty());
        UsageException e = assertThrows(UsageException.class,
                () -> Flags.parse(Map.of("TIMEOUT", "30"), "--connection-string=https://dtr.corp"));
        assertTrue(e.getMessage().startsWith("--timeout=30: "), e.getMessage());
    }

    @Test
    void portAndVerboseMapToTheNewFlags() {
        Flags flags = Flags.parse(Map.of("PORT", "19999", "VERBOSE", "true"), "--connection-string=https://dtr.corp");
        assertEquals(19999, flags.listenAddress().getPort());
        assertEquals(Level.FINE, flags.logLevel());
        Flags explicit = Flags.parse(Map.of("PORT", "19999"), "--web.listen-address=:9580", "--connection-string=x");
        assertEquals(9580, explicit.listenAddress().getPort(), "the new flag wins");
    }

    @Test
    void theOldDtrIsModuleDefaultAndMayJoinAConfigFile() throws Exception {
        Path config = Files.writeString(dir.resolve("exporter.yml"), "modules:\n  other: {timeout: 5s}\n");
        try (Main.Running exporter = Main.start(oldEnvironment(), "--web.listen-address=127.0.0.1:0",
                "--config.file=" + config)) {
            assertEquals(Set.of("default", "other"), exporter.modules().get().config().modules().keySet());
            assertEquals(Set.of("127.0.0.1:" + dtr.port()), Set.copyOf(exporter.modules().get().config()
                    .module("default").orElseThrow().allowedTargets().patterns().stream().map(p -> p.text()).toList()));
        }
        Files.writeString(config, "modules:\n  default: {timeout: 5s}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Main.start(oldEnvironment(),
                "--web.listen-address=127.0.0.1:0", "--config.file=" + config));
        assertEquals("config file " + config + ": modules.default: the name is taken by the old exporter's flags"
                + " (--connection-string, --dtr-*); rename the module in the file", e.getMessage());
    }

    @Test
    void aNamedConfigFileMustExistEvenWithAConnectionString() {
        Path missing = dir.resolve("missing.yml");
        ConfigException e = assertThrows(ConfigException.class, () -> Main.start(oldEnvironment(),
                "--web.listen-address=127.0.0.1:0", "--config.file=" + missing));
        assertTrue(e.getMessage().contains("cannot read it: no such file"), e.getMessage());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
