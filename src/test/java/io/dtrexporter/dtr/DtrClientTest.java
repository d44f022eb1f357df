package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.BasicAuth;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.Secret;
import io.dtrexporter.config.TlsConfig;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.probe.ApiCalls;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.work.DeadlineExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pooled client of one module: connections are kept and reused across calls. */
class DtrClientTest {
    static SimulatedDtr dtr;
    static ScheduledExecutorService deadlines;
    static DeadlineExecutor cpu;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        deadlines = Executors.newSingleThreadScheduledExecutor();
        cpu = new DeadlineExecutor(1, "test-cpu");
    }

    @AfterAll
    static void stop() {
        dtr.close();
        deadlines.shutdownNow();
        cpu.close();
    }

    @Test
    void successiveCallsReuseOneKeptAliveConnection() {
        try (DtrClient client = new DtrClient(module(), new DtrClient.Shared("test", deadlines, cpu))) {
            Target target = Target.parse(dtr.httpTarget());
            for (int i = 0; i < 5; i++) {
                ApiResult<ClusterStatus> result = client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS,
                        deadline()).join();
                assertTrue(result.succeeded(), result.failure().toString());
                assertEquals(0, client.poolStats().getLeased(), "the connection went back to the pool");
                assertEquals(1, client.poolStats().getAvailable(), "one connection, kept alive");
            }
        }
    }

    /**
     * The body is read whole (it is within the limit) before the CPU pool parses it, so a broken one
     * leaves a clean connection behind, kept for the next call.
     */
    @Test
    void aConnectionUnderABodyThatCannotBeParsedIsKept() {
        dtr.answer("/broken", SimulatedDtr.json(200, "{\"replica_health\": nope" + " ".repeat(1 << 20) + "}"));
        try (DtrClient client = new DtrClient(module(), new DtrClient.Shared("test", deadlines, cpu))) {
            ApiResult<ClusterStatus> result = client.call(Target.parse(dtr.httpTarget()), ApiCalls.CLUSTER_STATUS,
                    "/broken", deadline()).join();
            assertEquals(FailureReason.INVALID_RESPONSE, result.failure().orElseThrow().reason());
            assertEquals((1 << 20) + 24, result.bodyBytes(), "read to its end");
            assertEquals(0, client.poolStats().getLeased());
            assertEquals(1, client.poolStats().getAvailable());
        }
    }

    /**
     * A DTR whose name takes long to look up (a DNS server that is slow or gone) holds up neither
     * the thread that starts the call (an Undertow I/O thread in the exporter) nor a call to another
     * DTR, and its own call ends at its deadline as a timeout.
     */
    @Test
    void aSlowNameLookupHoldsUpNeitherTheCallerNorAnotherDtr() {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        HostLookups lookups = new HostLookups(host -> {
            if (host.equals("dtr.slow-dns.test")) {
                awaitQuietly(dnsAnswers);
                throw new UnknownHostException(host);
            }
            return InetAddress.getAllByName(host);
        });
        try (DtrClient client = new DtrClient(module(), new DtrClient.Shared("test", deadlines, cpu, lookups))) {
            long start = System.nanoTime();
            CompletableFuture<ApiResult<ClusterStatus>> slow = client.call(Target.parse("https://dtr.slow-dns.test"),
                    ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS, start + TimeUnit.MILLISECONDS.toNanos(500));
            long startedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(startedMillis < 250, "call() returned after " + startedMillis + " ms: it waited for the DNS");

            Target healthy = Target.parse(dtr.httpTarget().replace("127.0.0.1", "localhost"));
            ApiResult<ClusterStatus> other = client.call(healthy, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS,
                    deadline()).join();
            assertTrue(other.succeeded(), other.failure().toString());

            ApiResult<ClusterStatus> timedOut = slow.join();
            assertEquals(FailureReason.TIMEOUT, timedOut.failure().orElseThrow().reason());
            long endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(endedMillis < 1_500, "the slow call ended " + endedMillis + " ms after it started, deadline 500 ms");
        } finally {
            dnsAnswers.countDown();
        }
    }

    @Test
    void anUnknownHostFailsTheCallAsAConnectionFailureThatNamesIt() {
        HostLookups lookups = new HostLookups(host -> {
            throw new UnknownHostException(host + ": Name or service not known");
        });
        try (DtrClient client = new DtrClient(module(), new DtrClient.Shared("test", deadlines, cpu, lookups))) {
            ApiResult<ClusterStatus> result = client.call(Target.parse("https://dtr.gone.test"), ApiCalls.CLUSTER_STATUS,
                    SimulatedDtr.CLUSTER_STATUS, deadline()).join();
            ApiResult.Failure failure = result.failure().orElseThrow();
            assertEquals(FailureReason.CONNECTION, failure.reason());
            assertEquals("unknown host dtr.gone.test: Name or service not known", failure.detail());
        }
    }

    /** The DNS fails after the DTR's name was found: its calls go on with the address found. */
    @Test
    void aDnsOutageDoesNotFailTheCallsOfADtrWhoseNameWasFound() throws InterruptedException {
        AtomicBoolean dnsDown = new AtomicBoolean();
        HostLookups lookups = new HostLookups(host -> {
            if (dnsDown.get()) {
                throw new UnknownHostException(host + ": Temporary failure in name resolution");
            }
            return InetAddress.getAllByName(host);
        }, Duration.ofMillis(1), Duration.ofMinutes(10));
        try (DtrClient client = new DtrClient(module(), new DtrClient.Shared("test", deadlines, cpu, lookups))) {
            Target target = Target.parse(dtr.httpTarget().replace("127.0.0.1", "localhost"));
            assertTrue(client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS, deadline()).join().succeeded());
            dnsDown.set(true);
            Thread.sleep(10); // the name found is no longer fresh: it is looked up again, and that fails
            for (int i = 0; i < 3; i++) {
                ApiResult<ClusterStatus> result = client.call(target, ApiCalls.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS,
                        deadline()).join();
                assertTrue(result.succeeded(), result.failure().toString());
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    }

    private static ModuleConfig module() {
        return new ModuleConfig("test", Optional.of(new BasicAuth(SimulatedDtr.USER, new Secret<>(SimulatedDtr.PASSWORD))),
                TlsConfig.DEFAULT, AllowedTargets.ANY, true, 100, Duration.ofSeconds(5));
    }
}
