package io.dtrexporter.web;

import static io.dtrexporter.testing.SimulatedDtr.CLUSTER_STATUS;
import static io.dtrexporter.testing.SimulatedDtr.JOBS;
import static io.dtrexporter.testing.SimulatedDtr.delayed;
import static io.dtrexporter.testing.SimulatedDtr.error;
import static io.dtrexporter.testing.SimulatedDtr.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockserver.model.HttpRequest;

/** /probe against a simulated DTR: what Prometheus (or a person with curl) sees. */
class ProbeEndpointTest {
    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start();
        exporter = ExporterHarness.start(dir, """
                modules:
                  default:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                    timeout: 2s
                  wrong_password:
                    basic_auth: {username: %1$s, password: not-the-password}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                  no_jobs:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                    job_count: 0
                  few_jobs:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                    job_count: 7
                  quick:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["127.0.0.1"]
                    allow_plain_http: true
                    timeout: 500ms
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD));
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    @BeforeEach
    void reset() {
        dtr.reset();
    }

    @Test
    void probeOfAHealthyDtrReportsUpWithItsFigures() {
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(3, metrics.get("dtr_server_count"));
        assertEquals(29, metrics.get("dtr_table_count"));
        assertEquals(1, metrics.get("dtr_api_up", "api", "cluster_status"));
        assertEquals(200, metrics.get("dtr_api_status_code", "api", "jobs"));
        assertEquals(100, metrics.series("dtr_job_total").values().stream().mapToDouble(Double::doubleValue).sum());
        assertFalse(metrics.has("dtr_api_error_info"));
        assertFalse(metrics.has("dtr_tls_cert_not_after_timestamp_seconds"), "no certificate over plain http");
    }

    @Test
    void callsCarryBasicAuthAcceptJsonAndTheJobLimit() {
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        exporter.probe(dtr.httpTarget(), "few_jobs");
        HttpRequest[] jobs = dtr.received(request().withPath(JOBS));
        assertEquals(1, jobs.length);
        assertEquals("7", jobs[0].getFirstQueryStringParameter("limit"));
        for (String parameter : new String[] {"action", "worker", "running"}) {
            assertEquals("any", jobs[0].getFirstQueryStringParameter(parameter));
        }
        assertEquals("0", jobs[0].getFirstQueryStringParameter("start"));
        HttpRequest clusterStatus = dtr.received(request().withPath(CLUSTER_STATUS))[0];
        assertEquals(SimulatedDtr.basic(SimulatedDtr.USER, SimulatedDtr.PASSWORD), clusterStatus.getFirstHeader("Authorization"));
        assertEquals("application/json", clusterStatus.getFirstHeader("Accept"));
    }

    @Test
    void aPathPrefixStandsInFrontOfTheApiPaths() {
        dtr.withPrefix("/registry/dtr").serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        Exposition metrics = exporter.probe(dtr.httpTarget() + "/registry/dtr/", null);
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(1, dtr.received(request().withPath("/registry/dtr" + CLUSTER_STATUS)).length);
    }

    @Test
    void jobCountZeroSkipsTheJobsCall() {
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        Exposition metrics = exporter.probe(dtr.httpTarget(), "no_jobs");
        assertEquals(1, metrics.get("dtr_up"));
        assertEquals(0, dtr.received(request().withPath(JOBS)).length);
        assertFalse(metrics.value("dtr_api_up", "api", "jobs").isPresent());
        assertFalse(metrics.has("dtr_job_total"));
    }

    static Stream<Arguments> failures() {
        byte[] healthy = Fixtures.CLUSTER_STATUS_HEALTHY.bytes();
        return Stream.of(
                Arguments.of("forbidden", error(403, "NOT_AUTHORIZED", "not an admin"), 403, "forbidden"),
                Arguments.of("server error", error(500, "INTERNAL_ERROR", "boom"), 500, "http_status"),
                Arguments.of("status check failed", error(503, "STATUS_CHECK_FAILED", "Failed to check cluster status"), 503, "http_status"),
                Arguments.of("redirect", response().withStatusCode(302).withHeader("Location", "https://sso.example.com/login"), 302, "http_status"),
                Arguments.of("html instead of json", response().withStatusCode(200).withHeader("Content-Type", "text/html")
                        .withBody("<html><body>Maintenance</body></html>"), 200, "invalid_response"),
                Arguments.of("truncated json", json(200, Arrays.copyOf(healthy, healthy.length / 2)), 200, "invalid_response"),
                Arguments.of("malformed json", json(200, "{\"replica_health\": {\"a\": OK}}"), 200, "invalid_response"),
                Arguments.of("json then garbage", json(200, new String(healthy, StandardCharsets.UTF_8) + "<html>"), 200, "invalid_response"),
                Arguments.of("empty object", json(200, Fixtures.CLUSTER_STATUS_EMPTY_OBJECT.bytes()), 200, "invalid_response"),
                Arguments.of("wrong type", json(200, "{\"replica_health\":[],\"rethink_system_tables\":{}}"), 200, "invalid_response"),
                Arguments.of("slower than the timeout", delayed(json(200, healthy), 4000), 0, "timeout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailingClusterStatusIsDownWithTheReasonAndJobsStillCount(String name, org.mockserver.model.HttpResponse answer,
                                                                   int status, String reason) {
        dtr.answer(CLUSTER_STATUS, answer).answer(JOBS, json(200, Fixtures.JOBS.bytes()));
        long start = System.nanoTime();
        Exposition metrics = exporter.probe(dtr.httpTarget(), null);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(0, metrics.get("dtr_api_up", "api", "cluster_status"));
        assertEquals(status, metrics.get("dtr_api_status_code", "api", "cluster_status"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", reason));
        assertEquals(1, metrics.series("dtr_api_error_info").size());
        assertFalse(metrics.has("dtr_server_count"), "no figures from a failed call");
        assertEquals(1, metrics.get("dtr_api_up", "api", "jobs"));
        assertTrue(metrics.has("dtr_job_total"), "the jobs call succeeded; its metrics stay");
        // the deadline (2s) bounds the probe even when the DTR takes 4s
        assertTrue(millis < 3500, "probe took " + millis + " ms");
    }

    @Test
    void wrongCredentialsAreUnauthorized() {
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        Exposition metrics = exporter.probe(dtr.httpTarget(), "wrong_password");
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(401, metrics.get("dtr_api_status_code", "api", "cluster_status"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "unauthorized"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "jobs", "reason", "unauthorized"));
    }

    @Test
    void aRedirectIsNotFollowed() {
        dtr.answer(CLUSTER_STATUS, response().withStatusCode(301).withHeader("Location", "/elsewhere"))
                .answer(JOBS, json(200, Fixtures.JOBS.bytes()));
        exporter.probe(dtr.httpTarget(), null);
        assertEquals(0, dtr.received(request().withPath("/elsewhere")).length);
    }

    @Test
    void theDeadlineBoundsTheWholeProbe() {
        dtr.answer(CLUSTER_STATUS, delayed(json(200, Fixtures.CLUSTER_STATUS_HEALTHY.bytes()), 3000))
                .answer(JOBS, delayed(json(200, Fixtures.JOBS.bytes()), 3000));
        long start = System.nanoTime();
        Exposition metrics = exporter.probe(dtr.httpTarget(), "quick");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "timeout"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "jobs", "reason", "timeout"));
        assertTrue(millis < 2000, "a 500ms probe took " + millis + " ms");
    }

    @Test
    void aRefusedConnectionIsDownWithReasonConnection() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Exposition metrics = exporter.probe("http://127.0.0.1:" + closedPort, null);
        assertEquals(0, metrics.get("dtr_up"));
        assertEquals(0, metrics.get("dtr_api_status_code", "api", "cluster_status"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "connection"));
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "jobs", "reason", "connection"));
    }

    @Test
    void anIpv4MappedAddressIsProbedAsTheIpv4AddressItIs() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpResponse<String> response = exporter.get(ExporterHarness.probePath(
                "http://[::ffff:127.0.0.1]:" + closedPort, null));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, Exposition.parse(response.body())
                .get("dtr_api_error_info", "api", "cluster_status", "reason", "connection"));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("/probe", "target parameter is missing"),
                Arguments.of("/probe?target=", "target parameter is missing"),
                Arguments.of("/probe?target=dtr.example.com&module=nope", "unknown module \"nope\""),
                Arguments.of("/probe?target=dtr.example.com&target=other.example.com", "target parameter given 2 times; give it once"),
                Arguments.of("/probe?target=dtr.example.com&module=default&module=quick", "module parameter given 2 times; give it once"),
                Arguments.of("/probe?target=ftp://dtr.example.com", "invalid target \"ftp://dtr.example.com\": the scheme must be http or https"),
                Arguments.of("/probe?target=https%3A%2F%2Fdtr.example.com%3Fa%3Db", "invalid target \"https://dtr.example.com?a=b\": it must not contain a query"),
                Arguments.of("/probe?target=https%3A%2F%2Fdtr.example.com%23top", "invalid target \"https://dtr.example.com#top\": it must not contain a fragment"),
                Arguments.of("/probe?target=https%3A%2F%2Fadmin%3Ahunter2%40dtr.example.com", "invalid target: it must not contain user info; credentials belong in the module"),
                Arguments.of("/probe?target=https%3A%2F%2Fdtr%20example.com", "invalid target \"https://dtr example.com\": it contains spaces or control characters"),
                Arguments.of("/probe?target=https%3A%2F%2F", "invalid target \"https://\": it is not a valid URL (Expected authority at index 8)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGet400WithOneLineSayingWhy(String path, String message) {
        HttpResponse<String> response = exporter.get(path);
        assertEquals(400, response.statusCode());
        assertEquals(message + "\n", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertFalse(response.body().contains("hunter2"), "a password given in the target is not echoed");
    }
}
