package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.BasicAuth;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.Secret;
import io.dtrexporter.config.TlsConfig;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.DtrVersion;
import io.dtrexporter.probe.ApiCalls;
import io.dtrexporter.testing.RecordingDtr;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.testing.StreamedBody;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.work.DeadlineExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The version call reads docs.json only as far as info.version; where the head cannot tell, the
 * whole body is read and parsed as before, with the same failures.
 */
class DocsHeadTest {
    /** The version call as it was: every body read whole and parsed on the CPU pool. */
    private static final ApiCall<DtrVersion> WHOLE = new ApiCall<>("version", ApiCalls.VERSION.pathAndQuery(),
            ApiCalls.VERSION.parser(), ApiCalls.VERSION.answers(), ApiCalls.VERSION.enabled(), ApiCalls.VERSION.metrics(),
            ApiCalls.VERSION.reusedFor());
    private static final String PADDING = "{\"get\":{\"summary\":\"an operation of the API\"}},";

    static SimulatedDtr dtr;
    static HttpServer huge;
    static final AtomicLong hugeBytesSent = new AtomicLong();
    /** The client port of each request to /paced: one port, one connection. */
    static final List<Integer> pacedClientPorts = new CopyOnWriteArrayList<>();
    static ScheduledExecutorService deadlines;
    static DeadlineExecutor cpu;

    @BeforeAll
    static void start() throws IOException {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        deadlines = Executors.newSingleThreadScheduledExecutor();
        cpu = new DeadlineExecutor(1, "test-cpu");
        huge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // info first, then more than the body limit of paths, declared or chunked
        huge.createContext("/declared" + SimulatedDtr.DOCS, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, DtrClient.MAX_BODY_BYTES + 1);
            stream(exchange.getResponseBody(), "{\"swagger\":\"2.0\",\"info\":{\"version\":\"2.9.4\"},\"paths\":{",
                    DtrClient.MAX_BODY_BYTES + 1);
        });
        huge.createContext("/chunked" + SimulatedDtr.DOCS, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            stream(exchange.getResponseBody(), "{\"swagger\":\"2.0\",\"info\":{\"version\":\"2.9.4\"},\"paths\":{",
                    DtrClient.MAX_BODY_BYTES * 2);
        });
        // too large, and no info in its head: as before, too large
        huge.createContext("/noinfo" + SimulatedDtr.DOCS, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, DtrClient.MAX_BODY_BYTES + 1);
            stream(exchange.getResponseBody(), "{\"swagger\":\"2.0\",\"paths\":{", DtrClient.MAX_BODY_BYTES + 1);
        });
        // a docs.json of the fixture's size whose rest comes after its head, in another read
        huge.createContext("/paced" + SimulatedDtr.DOCS, exchange -> {
            pacedClientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] head = "{\"swagger\":\"2.0\",\"info\":{\"version\":\"2.9.4\"},\"paths\":{".getBytes(StandardCharsets.US_ASCII);
            byte[] rest = ("\"/op\":" + PADDING.repeat(300 * 1024 / PADDING.length()) + "\"/end\":{}}}")
                    .getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, head.length + rest.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(head);
                out.flush();
                Thread.sleep(200);
                out.write(rest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        huge.start();
    }

    @AfterAll
    static void stop() {
        dtr.close();
        huge.stop(0);
        deadlines.shutdownNow();
        cpu.close();
    }

    @Test
    void infoAtTheTopOfABodyLargerThanTheLimitGivesTheVersionAndTheRestIsNotRead() {
        for (String prefix : List.of("/declared", "/chunked")) {
            hugeBytesSent.set(0);
            try (DtrClient client = client()) {
                ApiResult<DtrVersion> result = client.call(Target.parse(hugeTarget() + prefix), ApiCalls.VERSION,
                        SimulatedDtr.DOCS, deadline()).join();
                assertTrue(result.succeeded(), prefix + ": " + result.failure());
                assertEquals("2.9.4", result.body().orElseThrow().version());
                assertTrue(result.bodyBytes() < ReceivedBody.HEAD_BYTES, prefix + ": read " + result.bodyBytes());
                ApiResult<DtrVersion> whole = client.call(Target.parse(hugeTarget() + prefix), WHOLE, SimulatedDtr.DOCS,
                        deadline()).join();
                assertEquals(FailureReason.TOO_LARGE, whole.failure().orElseThrow().reason(), "read whole, as before");
            }
        }
    }

    /** Over HTTP/1.1 the cancel closes the connection: the sender of a body without end is stopped. */
    @Test
    void aLongRestClosesTheHttp11Connection() throws InterruptedException {
        hugeBytesSent.set(0);
        try (DtrClient client = client()) {
            ApiResult<DtrVersion> result = client.call(Target.parse(hugeTarget() + "/declared"), ApiCalls.VERSION,
                    SimulatedDtr.DOCS, deadline()).join();
            assertEquals("2.9.4", result.body().orElseThrow().version());
            long sent;
            long later = hugeBytesSent.get();
            do {
                sent = later;
                Thread.sleep(300);
                later = hugeBytesSent.get();
            } while (later != sent);
            assertTrue(sent < DtrClient.MAX_BODY_BYTES / 4, "the sender went on to " + sent + " bytes");
        }
    }

    /** Over HTTP/1.1 the rest of a docs.json of usual size is read and dropped: its connection is kept. */
    @Test
    void theRestOfAUsualDocumentIsDroppedAndItsHttp11ConnectionKept() throws InterruptedException {
        pacedClientPorts.clear();
        try (DtrClient client = client()) {
            Target paced = Target.parse(hugeTarget() + "/paced");
            for (int i = 0; i < 2; i++) {
                ApiResult<DtrVersion> result = client.call(paced, ApiCalls.VERSION, SimulatedDtr.DOCS, deadline()).join();
                assertEquals("2.9.4", result.body().orElseThrow().version());
                assertTrue(result.bodyBytes() < ReceivedBody.HEAD_BYTES, "read " + result.bodyBytes());
                // the call is answered before the rest comes; the connection is free once that is dropped
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (client.poolStats().getAvailable() == 0 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
            }
        }
        assertEquals(2, pacedClientPorts.size());
        assertEquals(pacedClientPorts.get(0), pacedClientPorts.get(1), "one connection for both calls");
    }

    @Test
    void aBodyLargerThanTheLimitWithoutInfoInItsHeadIsStillTooLarge() {
        try (DtrClient client = client()) {
            Target target = Target.parse(hugeTarget() + "/noinfo");
            Optional<ApiResult.Failure> now = client.call(target, ApiCalls.VERSION, SimulatedDtr.DOCS, deadline()).join().failure();
            assertEquals(new ApiResult.Failure(FailureReason.TOO_LARGE, "Content-Length " + (DtrClient.MAX_BODY_BYTES + 1)
                    + " is above the limit of " + DtrClient.MAX_BODY_BYTES + " bytes"), now.orElseThrow());
            assertEquals(now, client.call(target, WHOLE, SimulatedDtr.DOCS, deadline()).join().failure());
        }
    }

    @Test
    void theFixtureIsAnsweredFromItsHeadAndTheNextCallsStillWork() {
        try (DtrClient client = client()) {
            Target target = Target.parse(dtr.httpTarget());
            for (int i = 0; i < 2; i++) {
                ApiResult<DtrVersion> version = client.call(target, ApiCalls.VERSION, SimulatedDtr.DOCS, deadline()).join();
                assertTrue(version.succeeded(), version.failure().toString());
                assertEquals("2.9.4", version.body().orElseThrow().version());
                assertTrue(version.bodyBytes() < Fixtures.DOCS.bytes().length, "read " + version.bodyBytes());
                ApiResult<ClusterStatus> next = client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS,
                        deadline()).join();
                assertTrue(next.succeeded(), next.failure().toString());
            }

        }
    }

    @Test
    void infoAtTheEndIsStillFoundByReadingTheWholeBody() {
        StringBuilder body = new StringBuilder("{\"swagger\":\"2.0\",\"paths\":{");
        while (body.length() < 3 * ReceivedBody.HEAD_BYTES) {
            body.append("\"/api/v0/op").append(body.length()).append("\":").append(PADDING, 0, PADDING.length() - 1).append(',');
        }
        body.append("\"/last\":{}},\"info\":{\"title\":\"DTR\",\"version\":\"2.7.1\"}}");
        dtr.answer("/end" + SimulatedDtr.DOCS, SimulatedDtr.json(200, body.toString()));
        try (DtrClient client = client()) {
            ApiResult<DtrVersion> result = client.call(Target.parse(dtr.httpTarget()), ApiCalls.VERSION,
                    "/end" + SimulatedDtr.DOCS, deadline()).join();
            assertTrue(result.succeeded(), result.failure().toString());
            assertEquals("2.7.1", result.body().orElseThrow().version());
            assertEquals(body.length(), result.bodyBytes(), "read whole");
        }
    }

    /**
     * Over HTTP/2 the version call resets only its own stream: the calls running beside it on the
     * same connection, and those after it, go on on that connection.
     */
    @Test
    void overHttp2OnlyTheStreamIsResetAndTheConnectionIsKept() {
        TestCertificates.Issued ca = TestCertificates.ca("DTR CA");
        TlsConfig tls = new TlsConfig(Optional.empty(), List.of(ca.certificate()), Optional.empty(), Optional.empty(), false);
        try (RecordingDtr h2 = RecordingDtr.start(TestCertificates.server(ca, "localhost"), true);
             DtrClient client = client(tls)) {
            Target target = Target.parse(h2.target());
            assertTrue(client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS, deadline()).join().succeeded());
            for (int i = 0; i < 3; i++) {
                CompletableFuture<ApiResult<DtrVersion>> version = client.call(target, ApiCalls.VERSION, SimulatedDtr.DOCS, deadline());
                CompletableFuture<ApiResult<ClusterStatus>> beside = client.call(target, ApiCalls.CLUSTER_STATUS,
                        SimulatedDtr.CLUSTER_STATUS, deadline());
                assertEquals("2.9.4", version.join().body().orElseThrow().version(), version.join().failure().toString());
                assertTrue(version.join().bodyBytes() < Fixtures.DOCS.bytes().length, "read " + version.join().bodyBytes());
                assertTrue(beside.join().succeeded(), beside.join().failure().toString());
            }
            assertTrue(client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS, deadline()).join().succeeded());
            assertEquals(Set.of("HTTP/2.0"), h2.protocols());
            assertEquals(1, h2.connections().size(), "one connection: " + h2.connections());
        }
    }

    /**
     * What follows info is not read when the body is cut, so it is not checked when the body came
     * whole either: a body's verdict does not depend on how the network split it.
     */
    @Test
    void whatFollowsInfoIsNotChecked() {
        dtr.answer("/trailing" + SimulatedDtr.DOCS, SimulatedDtr.json(200, "{\"info\":{\"version\":\"2.9.4\"}} <html>"));
        try (DtrClient client = client()) {
            ApiResult<DtrVersion> result = client.call(Target.parse(dtr.httpTarget()), ApiCalls.VERSION,
                    "/trailing" + SimulatedDtr.DOCS, deadline()).join();
            assertEquals("2.9.4", result.body().orElseThrow().version());
            assertEquals(0, client.poolStats().getLeased());
            assertEquals(1, client.poolStats().getAvailable(), "a body that came whole leaves its connection kept");
        }
    }

    /** Each body fails with the reason and message it failed with when every body was read whole. */
    @Test
    void everyFailureIsTheFailureOfTheWholeBody() {
        List<String> bodies = List.of(
                "{\"swagger\":\"2.0\",\"info\":{\"version\":nope}}",
                "{\"swagger\":\"2.0\",\"info\":{\"title\":\"DTR\"}," + "\"x\":\"" + "y".repeat(100_000) + "\"}",
                "{\"swagger\":\"2.0\",\"info\":{\"version\":\"\"}}",
                "{\"swagger\":\"2.0\",\"info\":{\"version\":null}}",
                "{\"swagger\":\"2.0\",\"info\":null}",
                "{\"swagger\":\"2.0\",\"info\":[\"2.9.4\"]}",
                "{\"swagger\":\"2.0\"}",
                "[{\"info\":{\"version\":\"2.9.4\"}}]",
                "null",
                "<html><body>502 Bad Gateway</body></html>",
                "{\"swagger\":\"2.0\",\"info\":{\"version\":\"2.9.4\"");
        try (DtrClient client = client()) {
            Target target = Target.parse(dtr.httpTarget());
            for (int i = 0; i < bodies.size(); i++) {
                String path = "/bad" + i + SimulatedDtr.DOCS;
                dtr.answer(path, SimulatedDtr.json(200, bodies.get(i)));
                assertSameOutcome(client, target, path, bodies.get(i));
            }
            dtr.answer("/error" + SimulatedDtr.DOCS, SimulatedDtr.error(500, "INTERNAL_ERROR", "the database is down"));
            assertSameOutcome(client, target, "/error" + SimulatedDtr.DOCS, "a 500");
            assertSameOutcome(client, target, "/missing" + SimulatedDtr.DOCS, "a 404");
            dtr.answerAnyone("/denied" + SimulatedDtr.DOCS, SimulatedDtr.error(401, "NOT_AUTHENTICATED", "who are you"));
            assertSameOutcome(client, target, "/denied" + SimulatedDtr.DOCS, "a 401");
        }
    }

    private static void assertSameOutcome(DtrClient client, Target target, String path, String what) {
        ApiResult<DtrVersion> now = client.call(target, ApiCalls.VERSION, path, deadline()).join();
        ApiResult<DtrVersion> whole = client.call(target, WHOLE, path, deadline()).join();
        assertTrue(whole.failure().isPresent(), what + " is a failure: " + whole);
        assertEquals(whole.failure(), now.failure(), what);
        assertEquals(whole.statusCode(), now.statusCode(), what);
        assertEquals(whole.bodyBytes(), now.bodyBytes(), what);
    }

    private static void stream(OutputStream out, String head, long total) {
        byte[] start = head.getBytes(StandardCharsets.US_ASCII);
        StringBuilder paths = new StringBuilder();
        for (int i = 0; paths.length() < 64 * 1024; i++) {
            paths.append("\"/op").append(i).append("\":").append(PADDING);
        }
        byte[] chunk = paths.toString().getBytes(StandardCharsets.US_ASCII);
        StreamedBody.write(out, start, chunk, total, hugeBytesSent);
    }

    private static String hugeTarget() {
        return "http://127.0.0.1:" + huge.getAddress().getPort();
    }

    private static DtrClient client() {
        return client(TlsConfig.DEFAULT);
    }

    private static DtrClient client(TlsConfig tls) {
        return new DtrClient(new ModuleConfig("test", Optional.of(new BasicAuth(SimulatedDtr.USER,
                new Secret<>(SimulatedDtr.PASSWORD))), tls, AllowedTargets.ANY, true, 100,
                Duration.ofSeconds(20)), new DtrClient.Shared("test", deadlines, cpu));
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    }
}
