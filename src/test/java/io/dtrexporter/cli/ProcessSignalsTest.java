package io.dtrexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.testing.ChildProcesses;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter as a process, as an operator runs it: SIGHUP reloads, SIGTERM lets a running probe
 * finish and exits 0. Each exporter starts with the signals this test sets ({@link ChildProcesses}),
 * whatever the runner that started the tests ignored.
 */
class ProcessSignalsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void sighupReloadsAndSigtermDrainsThenExitsZero() throws Exception {
        int port = FreePorts.loopback();
        // a DTR that accepts and never answers: a probe of it runs until its 3 s deadline
        try (ServerSocket silent = new ServerSocket(0)) {
            Path config = Files.writeString(dir.resolve("exporter.yml"), "modules:\n  first: {timeout: 3s}\n");
            Process exporter = startExporter(config, port);
            try {
                String base = "http://127.0.0.1:" + port;
                awaitReady(base + "/-/ready");

                Files.writeString(config, "modules:\n  first: {timeout: 3s}\n  second: {timeout: 3s}\n");
                signal(exporter, "HUP");
                awaitStatus(base + "/probe?module=second&target=dtr.example.com:1", 200);

                CompletableFuture<HttpResponse<String>> running = HTTP.sendAsync(HttpRequest.newBuilder(
                        URI.create(base + "/probe?module=first&target=http://127.0.0.1:" + silent.getLocalPort()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(500); // the probe is waiting for the silent DTR
                signal(exporter, "TERM");
                HttpResponse<String> answer = running.get(10, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), "the running probe finished during the stop");
                assertEquals(1, Exposition.parse(answer.body())
                        .get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
                assertTrue(exporter.waitFor(15, TimeUnit.SECONDS), "the exporter stopped");
                assertEquals(0, exporter.exitValue(), log());
                assertTrue(log().contains("config reloaded"), log());
                assertFalse(log().contains("is ignored"), log());
            } finally {
                exporter.destroyForcibly();
            }
        }
    }

    @Test
    void saysSoWhenSighupWasIgnoredAtStart() throws Exception {
        int port = FreePorts.loopback();
        Path config = Files.writeString(dir.resolve("exporter.yml"), "modules:\n  first: {timeout: 3s}\n");
        // as nohup starts it: SIGHUP ignored, which the JVM keeps so
        Process exporter = startExporter(ChildProcesses.withIgnoredSignal("HUP", exporterCommand(config, port)));
        try {
            awaitReady("http://127.0.0.1:" + port + "/-/ready");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!log().contains("SIGHUP is ignored") && System.nanoTime() < deadline) {
                Thread.sleep(50); // the log file may lag the answer on the port
            }
            assertTrue(log().contains("SIGHUP is ignored by this process (started under nohup?) and does nothing; "
                    + "reload with POST /-/reload (--web.enable-lifecycle) or --config.auto-reload-interval"), log());
            assertFalse(log().contains("SIGTERM is ignored"), log());
            assertFalse(log().contains("SIGINT is ignored"), log());
        } finally {
            exporter.destroyForcibly();
        }
    }

    /**
     * SIGTERM keeps the JVM's default until the start is done, so a start that hangs (here: reading a
     * config file that never ends, as on a hung mount) can still be stopped.
     */
    @Test
    void aSigtermEndsAStartThatHangs() throws Exception {
        Path fifo = dir.resolve("exporter.yml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Process exporter = startExporter(fifo, FreePorts.loopback());
        // opening the pipe for writing returns once the exporter has opened it to read its config
        CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newOutputStream(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (OutputStream loading = writer.get(20, TimeUnit.SECONDS)) {
            signal(exporter, "TERM");
            assertTrue(exporter.waitFor(10, TimeUnit.SECONDS), "SIGTERM did not end the start: " + log());
            assertEquals(128 + 15, exporter.exitValue(), log());
        } finally {
            exporter.destroyForcibly();
        }
    }

    /** The exporter as its own JVM, HUP, INT and TERM at their defaults, its output in exporter.log. */
    private Process startExporter(Path config, int port) throws IOException {
        return startExporter(ChildProcesses.withDefaultSignals(exporterCommand(config, port)));
    }

    private static List<String> exporterCommand(Path config, int port) {
        return ChildProcesses.java(Main.class, "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port);
    }

    private Process startExporter(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("exporter.log").toFile()).start();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("exporter.log"), StandardCharsets.UTF_8);
    }

    private static void signal(Process process, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
    }

    private static void awaitReady(String url) throws Exception {
        awaitStatus(url, 200);
    }

    private static void awaitStatus(String url, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " did not answer " + status + " within 20 s (last " + last + ")");
    }
}
