package io.dtrexporter.testing;

import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.dtrexporter.demo.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.mockserver.configuration.Configuration;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.matchers.TimeToLive;
import org.mockserver.matchers.Times;
import org.mockserver.model.HttpRequest;
import org.mockserver.model.HttpResponse;

/**
 * A DTR simulated with MockServer, answering as dtr-api.md says a DTR does: Basic auth, JSON error
 * bodies, X-Replica-ID on every response. One port serves both http and https (MockServer's own CA).
 */
public final class SimulatedDtr implements AutoCloseable {
    public static final String USER = "monitor";
    public static final String PASSWORD = "s3cret-Pa55word";
    public static final String CLUSTER_STATUS = "/api/v0/meta/cluster_status";
    public static final String JOBS = "/api/v0/jobs";
    public static final String PING = "/_ping";
    public static final String WORKERS = "/api/v0/workers";
    public static final String SCANNING = "/api/v0/imagescan/status";
    public static final String CRONS = "/api/v0/crons";
    public static final String DOCS = "/api/v0/docs.json";
    public static final String REPLICA_ID = "91b72265b1f5";
    public static final String NOT_AUTHENTICATED =
            "{\"errors\":[{\"code\":\"NOT_AUTHENTICATED\",\"message\":\"The client is not authenticated.\"}]}";

    private static final Path CERTIFICATE_FOLDER = temporaryFolder();

    private final ClientAndServer server;
    private String prefix = "";
    private String password = PASSWORD;

    private SimulatedDtr(ClientAndServer server) {
        this.server = server;
        answerOptionalCalls();
    }

    /**
     * The optional calls (/_ping, workers, imagescan/status, crons, docs.json) answer as a healthy
     * DTR's do unless a test says otherwise (its own answers take precedence), so that tests of the
     * main calls need not repeat them.
     */
    private void answerOptionalCalls() {
        answerByDefault(PING, Fixtures.PING);
        answerByDefault(WORKERS, Fixtures.WORKERS);
        answerByDefault(SCANNING, Fixtures.SCANNING);
        answerByDefault(CRONS, Fixtures.CRONS);
        answerByDefault(DOCS, Fixtures.DOCS);
    }

    private void answerByDefault(String path, Fixtures fixture) {
        server.when(request().withMethod("GET").withPath(prefix + path), Times.unlimited(), TimeToLive.unlimited(), -10)
                .respond(json(200, fixture.bytes()));
    }

    public static SimulatedDtr start() {
        return start(Configuration.configuration());
    }

    /**
     * MockServer otherwise mints a certificate for whatever name the client asks for (SNI), which
     * would make every server_name look right.
     */
    public static Configuration fixedCertificate() {
        return Configuration.configuration().preventCertificateDynamicUpdate(true);
    }

    public static SimulatedDtr start(Configuration configuration) {
        // ERROR: MockServer warns of every TLS handshake that the tests make fail on purpose.
        // The certificate it mints goes to a temporary folder, not into the working tree.
        return new SimulatedDtr(ClientAndServer.startClientAndServer(configuration.logLevel("ERROR")
                .directoryToSaveDynamicSSLCertificate(CERTIFICATE_FOLDER.toString())));
    }

    public String httpTarget() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public String httpsTarget() {
        return "https://127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    /** Serves the API under a path prefix, as behind a path-routing proxy. */
    public SimulatedDtr withPrefix(String prefix) {
        this.prefix = prefix;
        answerOptionalCalls();
        return this;
    }

    /** Expects this password (with {@link #USER}) instead of {@link #PASSWORD}. */
    public SimulatedDtr withPassword(String password) {
        this.password = password;
        return this;
    }

    /** A healthy DTR answering with these fixtures to the right credentials, 401 to any other. */
    public SimulatedDtr serving(Fixtures clusterStatus, Fixtures jobs) {
        return answer(CLUSTER_STATUS, json(200, clusterStatus.bytes()))
                .answer(JOBS, json(200, jobs.bytes()));
    }

    /** Answers {@code path} with {@code response} when the credentials are right, 401 otherwise. */
    public SimulatedDtr answer(String path, HttpResponse response) {
        server.when(request().withMethod("GET").withPath(prefix + path), Times.unlimited(), TimeToLive.unlimited(), 0)
                .respond(json(401, NOT_AUTHENTICATED.getBytes(StandardCharsets.UTF_8)));
        server.when(request().withMethod("GET").withPath(prefix + path)
                        .withHeader("Authorization", basic(USER, password)),
                Times.unlimited(), TimeToLive.unlimited(), 10)
                .respond(response);
        return this;
    }

    /** Answers {@code path} with {@code response} whatever the credentials. */
    public SimulatedDtr answerAnyone(String path, HttpResponse response) {
        server.when(request().withMethod("GET").withPath(prefix + path), Times.unlimited(), TimeToLive.unlimited(), 20)
                .respond(response);
        return this;
    }

    public static HttpResponse json(int status, byte[] body) {
        return response().withStatusCode(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Replica-ID", REPLICA_ID)
                .withBody(body);
    }

    public static HttpResponse json(int status, String body) {
        return json(status, body.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse error(int status, String code, String message) {
        return json(status, "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}");
    }

    public static HttpResponse delayed(HttpResponse response, long millis) {
        return response.withDelay(TimeUnit.MILLISECONDS, millis);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The requests received so far that match {@code filter}. */
    public HttpRequest[] received(HttpRequest filter) {
        return server.retrieveRecordedRequests(filter);
    }

    public HttpRequest[] received() {
        return server.retrieveRecordedRequests(request());
    }

    public void reset() {
        server.reset();
        prefix = "";
        password = PASSWORD;
        answerOptionalCalls();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static Path temporaryFolder() {
        try {
            Path folder = Files.createTempDirectory("mockserver-certificates");
            folder.toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** MockServer's CA certificate, which signs the certificates it serves, written to {@code dir}. */
    public static Path writeMockServerCa(Path dir) {
        try (InputStream in = SimulatedDtr.class.getResourceAsStream("/org/mockserver/socket/CertificateAuthorityCertificate.pem")) {
            Path file = dir.resolve("mockserver-ca.pem");
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
