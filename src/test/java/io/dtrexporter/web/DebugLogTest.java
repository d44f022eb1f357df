package io.dtrexporter.web;

import static io.dtrexporter.testing.SimulatedDtr.CLUSTER_STATUS;
import static io.dtrexporter.testing.SimulatedDtr.JOBS;
import static io.dtrexporter.testing.SimulatedDtr.delayed;
import static io.dtrexporter.testing.SimulatedDtr.error;
import static io.dtrexporter.testing.SimulatedDtr.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.logging.LogFields;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.FreePorts;
import io.dtrexporter.testing.LogCapture;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --log.level=debug is what people turn on during an incident: it must hold the exporter's own
 * decisions, not the libraries' chatter, and no stack trace for what a DTR or a client did wrong.
 */
class DebugLogTest {
    private static final List<String> LIBRARIES = List.of("org.apache.hc", "io.undertow", "org.xnio", "org.jboss");

    @TempDir
    static Path dir;
    static SimulatedDtr dtr;

    @BeforeAll
    static void dtr() {
        dtr = SimulatedDtr.start();
        dtr.withPrefix("/ok").serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        dtr.withPrefix("/slow").answer(CLUSTER_STATUS, delayed(json(200, Fixtures.CLUSTER_STATUS_HEALTHY.bytes()), 3000))
                .answer(JOBS, json(200, Fixtures.JOBS.bytes()));
        dtr.withPrefix("/broken").answer(CLUSTER_STATUS, error(500, "UNKNOWN", "rethinkdb is gone"))
                .answer(JOBS, error(500, "UNKNOWN", "rethinkdb is gone"));
        dtr.withPrefix("/garbled").answer(CLUSTER_STATUS, json(200, "{\"replica_health\": {not json"))
                .answer(JOBS, json(200, "[1, 2"));
    }

    @AfterAll
    static void stop() {
        dtr.close();
    }

    @Test
    void aDebugLogOfProbesFailingInEveryWayHoldsOurDecisionsAndNoLibraryChatterOrStackTrace() throws Exception {
        try (ExporterHarness exporter = start("debug"); LogCapture log = LogCapture.of("", record -> true)) {
            String http = dtr.httpTarget();
            assertUp(exporter.get(ExporterHarness.probePath(http + "/ok", "default")), 1);
            assertUp(exporter.get(ExporterHarness.probePath("http://127.0.0.1:" + FreePorts.loopback(), "default")), 0);
            assertUp(exporter.get(ExporterHarness.probePath(http + "/slow", "default")), 0);
            assertUp(exporter.get(ExporterHarness.probePath(dtr.httpsTarget() + "/ok", "untrusted_ca")), 0);
            assertUp(exporter.get(ExporterHarness.probePath(http + "/ok", "wrong_password")), 0);
            assertUp(exporter.get(ExporterHarness.probePath(http + "/broken", "default")), 0);
            assertUp(exporter.get(ExporterHarness.probePath(http + "/garbled", "default")), 0);
            assertEquals(403, exporter.get(ExporterHarness.probePath("http://10.9.8.7", "default")).statusCode());
            int port = Integer.parseInt(exporter.url("").replaceAll(".*:(\\d+)$", "$1"));
            assertTrue(rawAnswer(port, "NOT HTTP AT ALL\r\n\r\n").startsWith("HTTP/1.1 400"), "a malformed request");
            hangUpDuringAProbe(port, ExporterHarness.probePath(http + "/slow", "default"));
            Path config = dir.resolve("exporter.yml");
            String good = Files.readString(config);
            Files.writeString(config, "modules: [this is not a map\n");
            assertEquals(500, reload(exporter).statusCode(), "an answered 500");
            Files.writeString(config, good);
            Thread.sleep(3500); // the hung-up probe runs to its deadline

            List<LogRecord> records = log.records();
            String text = records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                            + LogFields.of(r).entrySet().stream().map(field -> " " + field.getKey() + "=" + field.getValue())
                            .collect(Collectors.joining()))
                    .collect(Collectors.joining("\n"));
            assertTrue(records.stream().noneMatch(r -> LIBRARIES.stream().anyMatch(r.getLoggerName()::startsWith)),
                    "library lines:\n" + text);
            assertTrue(records.stream().noneMatch(r -> r.getThrown() != null), "a stack trace:\n" + text);
            for (String decision : List.of("probe succeeded module=default", "probe failed module=wrong_password",
                    "reason=connection", "reason=timeout", "reason=tls", "reason=unauthorized", "reason=http_status",
                    "reason=invalid_response",
                    "refused probe module=default", "config not reloaded")) {
                assertTrue(text.contains(decision), "no \"" + decision + "\" in:\n" + text);
            }
        }
    }

    @Test
    void traceAddsTheLibrariesLinesButNeverTheHeadersWithTheirCredentials() throws Exception {
        try (ExporterHarness exporter = start("trace"); LogCapture log = LogCapture.of("", record -> true)) {
            assertUp(exporter.get(ExporterHarness.probePath(dtr.httpTarget() + "/ok", "default")), 1);
            List<LogRecord> records = log.records();
            assertTrue(records.stream().anyMatch(r -> r.getLoggerName().startsWith("org.apache.hc")), "HttpClient's lines");
            assertFalse(records.stream().anyMatch(r -> r.getLoggerName().startsWith("org.apache.hc.client5.http.headers")
                    || r.getLoggerName().startsWith("org.apache.hc.client5.http.wire")), "the headers' logger");
        }
    }

    private static ExporterHarness start(String level) {
        return ExporterHarness.start(dir, """
                modules:
                  default:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                    timeout: 1s
                  untrusted_ca:
                    # MockServer mints its certificate during the first handshake, 0.2-1.5 s: a
                    # timeout of 1 s would sometimes make this a timeout, not the tls it is.
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    timeout: 10s
                  wrong_password:
                    basic_auth: {username: %1$s, password: not-the-password}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD), "--log.level=" + level,
                "--web.enable-lifecycle");
    }

    private static void assertUp(HttpResponse<String> answer, int up) {
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\ndtr_up " + up + "\n") || answer.body().contains("\ndtr_up " + up + ".0\n"),
                answer.body());
    }

    private static HttpResponse<String> reload(ExporterHarness exporter) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(exporter.url("/-/reload")))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String rawAnswer(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    /** A client that gives up: the probe's answer then has nowhere to go. */
    private static void hangUpDuringAProbe(int port, String pathAndQuery) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
            socket.setSoLinger(true, 0);
        }
    }
}
