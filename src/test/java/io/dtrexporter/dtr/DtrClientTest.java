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
import io.dtrexporter.testing.SimulatedDtr;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pooled client of one module: connections are kept and reused across calls. */
class DtrClientTest {
    static SimulatedDtr dtr;
    static ScheduledExecutorService deadlines;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        deadlines = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() {
        dtr.close();
        deadlines.shutdownNow();
    }

    @Test
    void successiveCallsReuseOneKeptAliveConnection() {
        try (DtrClient client = new DtrClient(module(), "test", deadlines)) {
            Target target = Target.parse(dtr.httpTarget());
            for (int i = 0; i < 5; i++) {
                ApiResult<ClusterStatus> result = client.call(target, DtrApi.CLUSTER_STATUS, SimulatedDtr.CLUSTER_STATUS,
                        ResponseParsers::clusterStatus, deadline());
                assertTrue(result.succeeded(), result.failure().toString());
                assertEquals(0, client.poolStats().getLeased(), "the connection went back to the pool");
                assertEquals(1, client.poolStats().getAvailable(), "one connection, kept alive");
            }
        }
    }

    @Test
    void aConnectionUnderABodyThatCannotBeReadIsDropped() {
        // broken early in a long body: what follows is not read, so the connection cannot be reused
        dtr.answer("/broken", SimulatedDtr.json(200, "{\"replica_health\": nope" + " ".repeat(1 << 20) + "}"));
        try (DtrClient client = new DtrClient(module(), "test", deadlines)) {
            ApiResult<ClusterStatus> result = client.call(Target.parse(dtr.httpTarget()), DtrApi.CLUSTER_STATUS,
                    "/broken", ResponseParsers::clusterStatus, deadline());
            assertEquals(FailureReason.INVALID_RESPONSE, result.failure().orElseThrow().reason());
            assertEquals(0, client.poolStats().getLeased());
            assertEquals(0, client.poolStats().getAvailable());
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
