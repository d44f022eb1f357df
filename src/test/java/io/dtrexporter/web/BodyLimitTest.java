package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.DtrClient;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.StreamedBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DTR (or whatever answers in its place) sending more than 64 MiB: the call fails with too_large
 * and the exporter stops reading. A plain JDK server here, since it can stream a chunked body that
 * never ends and count what it managed to send.
 */
class BodyLimitTest {
    private static final long HUGE = 512L * 1024 * 1024;

    @TempDir
    static Path dir;
    static HttpServer server;
    static ExporterHarness exporter;
    static final AtomicLong chunkedBytesSent = new AtomicLong();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jobs = Fixtures.JOBS.bytes();
        // a body whose Content-Length alone says it is too large: nothing needs to be read
        server.createContext("/declared/api/v0/meta/cluster_status", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, DtrClient.MAX_BODY_BYTES + 1);
            streamJson(exchange.getResponseBody(), DtrClient.MAX_BODY_BYTES + 1, new AtomicLong());
        });
        // chunked, no length: the limit must stop the reading
        server.createContext("/chunked/api/v0/meta/cluster_status", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            streamJson(exchange.getResponseBody(), HUGE, chunkedBytesSent);
        });
        for (String prefix : new String[] {"/declared", "/chunked"}) {
            server.createContext(prefix + "/api/v0/jobs", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jobs.length);
                exchange.getResponseBody().write(jobs);
                exchange.close();
            });
        }
        server.start();
        exporter = ExporterHarness.start(dir, "modules:\n  default:\n    timeout: 20s\n");
    }

    @AfterAll
    static void stop() {
        exporter.close();
        server.stop(0);
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsTooLarge() {
        Exposition metrics = exporter.probe(target("/declared"), null);
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "too_large"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "jobs"));
    }

    @Test
    void anEndlessChunkedBodyIsCutAtTheLimit() {
        Exposition metrics = exporter.probe(target("/chunked"), null);
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "too_large"));
        assertEquals(200, metrics.get("dtr_api_status_code", "api", "cluster_status"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "jobs"), "the other call is not harmed");
        // the sender is stopped by the closed connection long before its 512 MiB are out
        long sent = chunkedBytesSent.get();
        assertTrue(sent < DtrClient.MAX_BODY_BYTES + 32L * 1024 * 1024, "server sent " + sent + " bytes");
    }

    private static String target(String prefix) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    /** A JSON document that never closes: {"padding":[0,0,0,... (an unknown key, skipped while read). */
    private static void streamJson(OutputStream out, long total, AtomicLong sent) {
        byte[] head = "{\"padding\":[".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = "0,".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
        StreamedBody.write(out, head, chunk, total, sent);
    }
}
