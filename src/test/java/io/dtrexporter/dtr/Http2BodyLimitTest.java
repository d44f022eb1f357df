package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.TlsConfig;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.probe.ApiCalls;
import io.dtrexporter.testing.RecordingDtr;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.testing.StreamedBody;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.work.DeadlineExecutor;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over HTTP/2 a body past its limit fails its own call only: the calls beside it on the same
 * connection, and those after it, go on on that connection. The failure is the one HTTP/1.1 gives.
 */
class Http2BodyLimitTest {
    /** An error page longer than the part of it read for its message, of no declared length. */
    private static final String LONG_ERROR = "/long-error";
    /** An answer longer than the body limit, of no declared length (over HTTP/2 none is ever declared). */
    private static final String TOO_LARGE = "/too-large";
    /** The healthy cluster status, late enough to be running when the other call fails. */
    private static final String SLOW = "/slow";
    private static final TestCertificates.Issued CA = TestCertificates.ca("DTR CA");
    private static final TlsConfig TLS = new TlsConfig(Optional.empty(), List.of(CA.certificate()), Optional.empty(),
            Optional.empty(), false);

    static ScheduledExecutorService deadlines;
    static DeadlineExecutor cpu;

    @BeforeAll
    static void start() {
        deadlines = Executors.newSingleThreadScheduledExecutor();
        cpu = new DeadlineExecutor(1, "test-cpu");
    }

    @AfterAll
    static void stop() {
        deadlines.shutdownNow();
        cpu.close();
    }

    @Test
    void anErrorPagePastItsLimitFailsOnlyItsOwnCallOverHttp2() {
        assertOnlyTheOverLimitCallFails(LONG_ERROR, new ApiResult.Failure(FailureReason.HTTP_STATUS, "HTTP 500"));
    }

    @Test
    void anAnswerPastTheBodyLimitFailsOnlyItsOwnCallOverHttp2() {
        assertOnlyTheOverLimitCallFails(TOO_LARGE, new ApiResult.Failure(FailureReason.TOO_LARGE,
                "body larger than " + DtrClient.MAX_BODY_BYTES + " bytes"));
    }

    private static void assertOnlyTheOverLimitCallFails(String path, ApiResult.Failure expected) {
        ApiResult<ClusterStatus> overHttp11 = overLimitBeside(path, false);
        ApiResult<ClusterStatus> overHttp2 = overLimitBeside(path, true);
        assertEquals(Optional.of(expected), overHttp11.failure(), "over HTTP/1.1, as before");
        assertEquals(overHttp11.failure(), overHttp2.failure(), "the same failure over HTTP/2");
        assertEquals(overHttp11.statusCode(), overHttp2.statusCode());
        // how much came before the read that passed the limit depends on how the network split the body
        assertEquals(overHttp11.bodyBytes() == ApiResult.NOT_READ, overHttp2.bodyBytes() == ApiResult.NOT_READ);
        assertTrue(overHttp2.bodyBytes() <= DtrClient.MAX_BODY_BYTES + 1, "read " + overHttp2.bodyBytes());
    }

    /** The over-limit call on {@code path} while another runs beside it, and a call after them. */
    private static ApiResult<ClusterStatus> overLimitBeside(String path, boolean http2) {
        try (RecordingDtr dtr = dtr(http2); DtrClient client = client()) {
            Target target = Target.parse(dtr.target());
            assertTrue(client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS, deadline()).join().succeeded());
            CompletableFuture<ApiResult<ClusterStatus>> beside = client.call(target, ApiCalls.CLUSTER_STATUS, SLOW, deadline());
            ApiResult<ClusterStatus> overLimit = client.call(target, ApiCalls.CLUSTER_STATUS, path, deadline()).join();
            boolean besideRunning = !beside.isDone();
            assertTrue(beside.join().succeeded(), "beside: " + beside.join().failure());
            assertTrue(besideRunning, "the call beside was still running when the other one failed");
            ApiResult<ClusterStatus> after = client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS,
                    deadline()).join();
            assertTrue(after.succeeded(), "after: " + after.failure());
            if (http2) {
                assertEquals(Set.of("HTTP/2.0"), dtr.protocols());
                assertEquals(1, dtr.connections().size(), "one connection: " + dtr.connections());
            }
            return overLimit;
        }
    }

    private static RecordingDtr dtr(boolean http2) {
        return RecordingDtr.start(TestCertificates.server(CA, "localhost"), http2)
                .answer(LONG_ERROR, exchange -> stream(exchange, 500, 1024 * 1024))
                .answer(TOO_LARGE, exchange -> stream(exchange, 200, DtrClient.MAX_BODY_BYTES + 1024 * 1024))
                .answer(SLOW, exchange -> exchange.dispatch(() -> {
                    sleep(3000);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(ByteBuffer.wrap(Fixtures.CLUSTER_STATUS_HEALTHY.bytes()));
                }));
    }

    /** {@code total} bytes of JSON, of no declared length. */
    private static void stream(HttpServerExchange exchange, int status, long total) {
        exchange.dispatch(() -> {
            exchange.startBlocking();
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            byte[] chunk = "{\"message\":\"a long error page\"},".repeat(512).getBytes(StandardCharsets.US_ASCII);
            StreamedBody.write(exchange.getOutputStream(), "[".getBytes(StandardCharsets.US_ASCII), chunk, total, new AtomicLong());
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static DtrClient client() {
        return new DtrClient(new ModuleConfig("test", Optional.empty(), TLS, AllowedTargets.ANY, true, 100,
                Duration.ofSeconds(20)), new DtrClient.Shared("test", deadlines, cpu));
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    }
}
