package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.SimulatedDtr;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 3 refuses a scrape whose Content-Type is missing or does not parse as a media type, so
 * every answer carries one: each endpoint's success and each error it can give, Undertow's own
 * answers included (404 and 405 of the routes, 503 while draining, 500 for a bug that escapes every
 * guard). Requests carry the headers Prometheus 3 sends. The bare 400s of Undertow's parser, for
 * requests that Prometheus does not send, are in {@link MalformedRequestTest}.
 */
class EveryAnswerHasAContentTypeTest {
    private static final String PROMETHEUS_3_ACCEPT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;"
            + "q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;"
            + "q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
    private static final String SCRAPER = "prometheus";
    private static final String SCRAPER_PASSWORD = "scrape-Secret-1";
    /** RFC 9110's media-type: type "/" subtype *( OWS ";" OWS token "=" ( token / quoted-string ) ). */
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN
            + "(?:[ \\t]*;[ \\t]*" + TOKEN + "=(?:" + TOKEN + "|\"(?:[^\"\\\\]|\\\\.)*\"))*");
    private static final String CONFIG = """
            modules:
              default:
                basic_auth: {username: %s, password: %s}
                allowed_targets: [127.0.0.1]
                allow_plain_http: true
                timeout: 3s
            """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    /** Accepts connections and never answers: a probe of it holds its slot until its deadline. */
    static ServerSocket blackHole;

    @BeforeAll
    static void start() throws IOException {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() throws IOException {
        blackHole.close();
        dtr.close();
    }

    /** One request and the status it must get. */
    private record Case(String method, String path, int status, String... headers) {
        @Override
        public String toString() {
            return method + " " + path + (headers.length > 0 ? " " + headers[0] : "");
        }
    }

    @Test
    void everyEndpointAndEveryErrorItGivesHasAContentType() throws IOException {
        String target = ExporterHarness.probePath(dtr.httpTarget(), null);
        try (ExporterHarness exporter = ExporterHarness.start(dir, CONFIG, "--web.enable-lifecycle")) {
            List<String> missing = walk(exporter, List.of(
                    new Case("GET", target, 200),
                    new Case("GET", target + "&debug=true", 200),
                    new Case("HEAD", target, 405),
                    new Case("POST", target, 405),
                    new Case("GET", "/probe", 400),
                    new Case("GET", target + "&module=nope", 400),
                    new Case("GET", target + "&module=default&module=default", 400),
                    new Case("GET", target, 400, "X-Prometheus-Scrape-Timeout-Seconds", "soon"),
                    new Case("GET", ExporterHarness.probePath("https://dtr.elsewhere.example", null), 403),
                    new Case("GET", "/probe?target=%ff", 400),
                    new Case("GET", "/probe?" + "p=1&".repeat(1001), 400),
                    new Case("GET", "/metrics", 200),
                    new Case("POST", "/metrics", 405),
                    new Case("GET", "/", 200),
                    new Case("GET", "/logs", 200),
                    new Case("GET", "/logs?id=999999", 404),
                    new Case("GET", "/config", 200),
                    new Case("GET", "/-/healthy", 200),
                    new Case("GET", "/-/ready", 200),
                    new Case("POST", "/-/reload", 200),
                    new Case("GET", "/-/reload", 405),
                    new Case("GET", "/nope", 404),
                    new Case("GET", "/probe/more", 404),
                    new Case("GET", "/%ff", 404),
                    new Case("DELETE", "/", 405)));
            missing.addAll(walk(exporter, List.of(new Case("GET", firstProbeLog(exporter), 200))));

            Files.writeString(dir.resolve("exporter.yml"), "modules:\n  broken:\n    timeout: ten\n");
            missing.addAll(walk(exporter, List.of(new Case("POST", "/-/reload", 500))));
            assertEquals(List.of(), missing);
        }
    }

    @Test
    void refusalsOfTheLifecycleApiAndOfBasicAuthHaveAContentType() throws IOException {
        String hash = OpenBSDBCrypt.generate("2y", SCRAPER_PASSWORD.toCharArray(), new byte[16], 4);
        Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {" + SCRAPER + ": \"" + hash + "\"}\n");
        try (ExporterHarness exporter = ExporterHarness.start(dir, CONFIG, "--web.config.file=" + web)) {
            String right = basic(SCRAPER, SCRAPER_PASSWORD);
            String wrong = basic(SCRAPER, "guess");
            assertEquals(List.of(), walk(exporter, List.of(
                    new Case("GET", "/metrics", 401),
                    new Case("GET", "/metrics", 401, "Authorization", wrong),
                    new Case("GET", "/probe", 401, "Authorization", "Bearer token"),
                    new Case("GET", "/metrics", 200, "Authorization", right),
                    new Case("GET", "/nope", 404, "Authorization", right),
                    new Case("POST", "/-/reload", 403, "Authorization", right))));
        }
    }

    @Test
    void aProbeRefusedForWantOfASlotHasAContentType() throws Exception {
        try (ExporterHarness exporter = ExporterHarness.start(dir, CONFIG, "--probe.max-concurrent=1")) {
            String stuck = ExporterHarness.probePath("http://127.0.0.1:" + blackHole.getLocalPort(), null);
            CompletableFuture<List<String>> holder = CompletableFuture.supplyAsync(
                    () -> walk(exporter, List.of(new Case("GET", stuck, 200))));
            awaitProbesInFlight(exporter);
            List<String> missing = walk(exporter, List.of(new Case("GET", stuck, 503)));
            missing.addAll(holder.get());
            assertEquals(List.of(), missing);
        }
    }

    @Test
    void requestsWhileTheExporterDrainsGet503WithAContentType() throws Exception {
        ExporterHarness exporter = ExporterHarness.start(dir, CONFIG);
        CompletableFuture<Void> stopping = null;
        try {
            String stuck = ExporterHarness.probePath("http://127.0.0.1:" + blackHole.getLocalPort(), null);
            CompletableFuture<List<String>> holder = CompletableFuture.supplyAsync(
                    () -> walk(exporter, List.of(new Case("GET", stuck, 200))));
            awaitProbesInFlight(exporter);
            // a stop waits for the running probe, up to its 3 s deadline, and refuses what comes meanwhile
            stopping = CompletableFuture.runAsync(exporter::close);
            while (exporter.get("/-/healthy").statusCode() == 200) {
                Thread.sleep(20);
            }
            List<String> missing = walk(exporter, List.of(new Case("GET", "/-/healthy", 503),
                    new Case("GET", ExporterHarness.probePath(dtr.httpTarget(), null), 503)));
            missing.addAll(holder.get());
            assertEquals(List.of(), missing);
        } finally {
            if (stopping == null) {
                exporter.close();
            } else {
                stopping.get();
            }
        }
    }

    @Test
    void undertowsOwn500ForABugThatEscapesEveryGuardHasAContentType() throws Exception {
        HttpHandler bug = exchange -> {
            throw new IllegalStateException("a bug outside every guard");
        };
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new DefaultContentType(bug)).build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/probe")).header("Accept", PROMETHEUS_3_ACCEPT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, response.statusCode());
            assertTrue(parseableContentType(response), "Content-Type " + response.headers().allValues("Content-Type"));
        } finally {
            server.stop();
        }
    }

    /** Sends each case as Prometheus 3 would; one line for each answer without a parseable Content-Type. */
    private static List<String> walk(ExporterHarness exporter, List<Case> cases) {
        List<String> missing = new ArrayList<>();
        for (Case c : cases) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(exporter.url(c.path())))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", PROMETHEUS_3_ACCEPT)
                    .header("Accept-Encoding", "gzip")
                    .method(c.method(), HttpRequest.BodyPublishers.noBody());
            if (c.headers().length > 0) {
                request.headers(c.headers());
            }
            HttpResponse<byte[]> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                missing.add(c + ": no answer: " + e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (response.statusCode() != c.status()) {
                missing.add(c + ": expected status " + c.status() + " but got " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
            } else if (!parseableContentType(response)) {
                missing.add(c + ": " + response.statusCode() + " with Content-Type "
                        + response.headers().allValues("Content-Type"));
            }
        }
        return missing;
    }

    /** Exactly one Content-Type, a media type as Go's mime.ParseMediaType (Prometheus' parser) reads it. */
    private static boolean parseableContentType(HttpResponse<?> response) {
        List<String> values = response.headers().allValues("Content-Type");
        return values.size() == 1 && MEDIA_TYPE.matcher(values.get(0).strip()).matches();
    }

    private static String firstProbeLog(ExporterHarness exporter) {
        Matcher link = Pattern.compile("/logs\\?id=[0-9]+").matcher(exporter.get("/").body());
        assertTrue(link.find(), "the landing page links a probe log");
        return link.group();
    }

    private static void awaitProbesInFlight(ExporterHarness exporter) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (Exposition.parse(exporter.get("/metrics").body()).get("dtr_exporter_probes_in_flight") < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the stuck probe never took its slot");
            }
            Thread.sleep(20);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
