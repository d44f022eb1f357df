package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.LogCapture;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.testing.TestCertificates.Issued;
import io.dtrexporter.testing.TestCertificates.KeyFormat;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run of succeeding and failing probes at debug log level (and at trace, which adds the libraries'
 * debug lines), then every place a secret could show is searched for the known secrets: logs,
 * answers, error messages, landing page, metrics.
 */
class SecretLeakTest {
    private static final String FILE_PASSWORD = "Pa55-from-a-file";
    /** The exporter's code and the libraries it runs on; "" is the root logger. */
    private static final Pattern EXPORTER_LOGGERS =
            Pattern.compile("$|io\\.dtrexporter|io\\.undertow|org\\.xnio|org\\.jboss|org\\.apache\\.hc");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "--log.level={0}")
    @ValueSource(strings = {"debug", "trace"})
    void noPasswordKeyOrAuthorizationHeaderSurfacesAnywhere(String level) throws Exception {
        // places searched: every log record of the exporter at debug level, every probe answer (also
        // with debug=true), error messages, /, /metrics, /config and every /logs entry
        List<String> seen = new ArrayList<>();
        Issued ca = TestCertificates.ca("Leak CA");
        Issued clientCertificate = TestCertificates.client(ca, "monitor", "RSA");
        TestCertificates.writeCertificate(dir.resolve("client.pem"), clientCertificate.certificate());
        Path keyFile = TestCertificates.writeKey(dir.resolve("client.key"), clientCertificate.keys(), KeyFormat.PKCS8);
        Files.writeString(dir.resolve("password"), FILE_PASSWORD + "\n");
        String key = Files.readString(keyFile).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        List<String> secrets = List.of(SimulatedDtr.PASSWORD, FILE_PASSWORD, key,
                Base64.getEncoder().encodeToString((SimulatedDtr.USER + ":" + SimulatedDtr.PASSWORD).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString((SimulatedDtr.USER + ":" + FILE_PASSWORD).getBytes(StandardCharsets.UTF_8)));

        try (SimulatedDtr dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
             ExporterHarness exporter = ExporterHarness.start(dir, """
                     modules:
                       good:
                         basic_auth: {username: %1$s, password: %2$s}
                         allowed_targets: [127.0.0.1]
                         allow_plain_http: true
                       file:
                         basic_auth: {username: %1$s, password_file: password}
                         tls_config: {cert_file: client.pem, key_file: client.key, insecure_skip_verify: true}
                         allowed_targets: [127.0.0.1]
                         allow_plain_http: true
                         timeout: 1s
                     """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD), "--log.level=" + level)) {
            // after the start, which sets up the handlers anew; this test's own HTTP client and the
            // simulated DTR log what they like
            LogCapture capture = LogCapture.of("", record -> EXPORTER_LOGGERS.matcher(
                    record.getLoggerName() == null ? "" : record.getLoggerName()).lookingAt());
            List<HttpResponse<String>> answers = new ArrayList<>();
            answers.add(exporter.get(ExporterHarness.probePath(dtr.httpTarget(), "good")));       // succeeds
            answers.add(exporter.get(ExporterHarness.probePath(dtr.httpTarget(), "file")));       // 401 from the DTR
            answers.add(exporter.get(ExporterHarness.probePath(dtr.httpsTarget(), "file")));      // TLS, then 401
            answers.add(exporter.get(ExporterHarness.probePath("http://127.0.0.1:1", "good")));   // refused
            answers.add(exporter.get(ExporterHarness.probePath("https://dtr.elsewhere", "good"))); // 403
            answers.add(exporter.get(ExporterHarness.probePath(
                    "https://" + SimulatedDtr.USER + ":" + SimulatedDtr.PASSWORD + "@127.0.0.1", "good"))); // 400
            answers.add(exporter.get(ExporterHarness.probePath(dtr.httpsTarget(), "file") + "&debug=true"));
            answers.add(exporter.get(ExporterHarness.probePath(dtr.httpTarget(), "good") + "&debug=true"));
            answers.add(exporter.get("/"));
            answers.add(exporter.get("/metrics"));
            answers.add(exporter.get("/config"));
            for (int id = 1; id <= 10; id++) {
                answers.add(exporter.get("/logs?id=" + id));
            }
            assertEquals(200, answers.get(0).statusCode());
            for (HttpResponse<String> answer : answers) {
                assertNoSecret(secrets, answer.uri() + " answered", answer.body());
            }
            capture.close();
            capture.records().forEach(record -> seen.add(formatted(record)));
            if (level.equals("trace")) { // by logger name: SimpleFormatter writes the source class, if any, instead
                assertTrue(capture.records().stream().anyMatch(record -> record.getLoggerName() != null
                        && record.getLoggerName().startsWith("org.apache.hc")), "HttpClient's lines searched too");
            }
        }
        assertFalse(seen.isEmpty(), level + " logging produced nothing to search");
        for (String line : seen) {
            assertNoSecret(secrets, "log line", line);
        }
    }

    private static void assertNoSecret(List<String> secrets, String where, String text) {
        for (String secret : secrets) {
            assertFalse(text.contains(secret), where + " shows a secret: " + text);
        }
    }

    /** A record as a handler would write it: message, parameters and exception. */
    private static String formatted(LogRecord record) {
        StringBuilder line = new StringBuilder(new SimpleFormatter().format(record));
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                line.append(' ').append(parameter);
            }
        }
        return line.toString();
    }
}
