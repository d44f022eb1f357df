package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.testing.TestCertificates.Issued;
import io.dtrexporter.testing.TestCertificates.KeyFormat;
import java.net.http.HttpResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Probes over TLS: the module's CA, server_name, client certificates in each key format. */
class TlsProbeTest {
    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    static SimulatedDtr mutualDtr;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        Path mockServerCa = SimulatedDtr.writeMockServerCa(dir);
        Issued otherCa = TestCertificates.ca("Some Other CA");
        TestCertificates.writeCertificate(dir.resolve("other-ca.pem"), otherCa.certificate());

        Issued clientCa = TestCertificates.ca("DTR Client CA");
        Path clientCaFile = TestCertificates.writeCertificate(dir.resolve("client-ca.pem"), clientCa.certificate());
        Issued rsaClient = TestCertificates.client(clientCa, "monitor-rsa", "RSA");
        Issued ecClient = TestCertificates.client(clientCa, "monitor-ec", "EC");
        TestCertificates.writeCertificate(dir.resolve("rsa.pem"), rsaClient.certificate());
        TestCertificates.writeKey(dir.resolve("rsa-pkcs1.key"), rsaClient.keys(), KeyFormat.PKCS1_OR_SEC1);
        TestCertificates.writeKey(dir.resolve("rsa-pkcs8.key"), rsaClient.keys(), KeyFormat.PKCS8);
        TestCertificates.writeCertificate(dir.resolve("ec.pem"), ecClient.certificate());
        TestCertificates.writeKey(dir.resolve("ec-sec1.key"), ecClient.keys(), KeyFormat.PKCS1_OR_SEC1);
        Issued strangerCa = TestCertificates.ca("Stranger CA");
        Issued stranger = TestCertificates.client(strangerCa, "stranger", "RSA");
        TestCertificates.writeCertificate(dir.resolve("stranger.pem"), stranger.certificate());
        TestCertificates.writeKey(dir.resolve("stranger.key"), stranger.keys(), KeyFormat.PKCS8);

        dtr = SimulatedDtr.start(SimulatedDtr.fixedCertificate()).serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        mutualDtr = SimulatedDtr.start(SimulatedDtr.fixedCertificate()
                        .tlsMutualAuthenticationRequired(true)
                        .tlsMutualAuthenticationCertificateChain(clientCaFile.toString()))
                .serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);

        String auth = "basic_auth: {username: %s, password: %s}\n    allowed_targets: [127.0.0.1]".formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD);
        exporter = ExporterHarness.start(dir, """
                modules:
                  trusted:
                    %1$s
                    tls_config: {ca_file: %2$s}
                  jvm_trust_store:
                    %1$s
                  plain_http:
                    %1$s
                    allow_plain_http: true
                  other_ca:
                    %1$s
                    tls_config: {ca_file: other-ca.pem}
                  skip_verify:
                    %1$s
                    tls_config: {insecure_skip_verify: true}
                  name_localhost:
                    %1$s
                    tls_config: {ca_file: %2$s, server_name: localhost}
                  name_wrong:
                    %1$s
                    tls_config: {ca_file: %2$s, server_name: dtr.wrong.example}
                  client_rsa_pkcs1:
                    %1$s
                    tls_config: {ca_file: %2$s, cert_file: rsa.pem, key_file: rsa-pkcs1.key}
                  client_rsa_pkcs8:
                    %1$s
                    tls_config: {ca_file: %2$s, cert_file: rsa.pem, key_file: rsa-pkcs8.key}
                  client_ec_sec1:
                    %1$s
                    tls_config: {ca_file: %2$s, cert_file: ec.pem, key_file: ec-sec1.key}
                  client_stranger:
                    %1$s
                    tls_config: {ca_file: %2$s, cert_file: stranger.pem, key_file: stranger.key}
                """.formatted(auth, mockServerCa.getFileName()));
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
        mutualDtr.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"trusted", "skip_verify", "name_localhost"})
    void aTrustedDtrIsUp(String module) {
        Exposition metrics = exporter.probe(dtr.httpsTarget(), module);
        assertEquals(1, metrics.get("dtr_up"), module);
        assertEquals(3, metrics.get("dtr_server_count"));
    }

    /**
     * cluster_status arrives in full 16 KiB TLS records, which the HTTP/1.1 connection is handed in
     * slices (SlicedTlsInput, so that its buffer stays small): every series is the same as over
     * plain http from the same DTR.
     */
    @Test
    void aBodyOfManyTlsRecordsGivesTheSameSeriesAsOverPlainHttp() {
        Exposition overTls = exporter.probe(dtr.httpsTarget(), "trusted");
        Exposition plain = exporter.probe(dtr.httpTarget(), "plain_http");
        assertEquals(1, overTls.get("dtr_up"));
        assertTrue(Fixtures.CLUSTER_STATUS_HEALTHY.bytes().length > 4 * 16384, "a body of several records");
        List<String> compared = overTls.names().stream()
                .filter(name -> !Set.of("dtr_api_duration_seconds", "dtr_scrape_latency",
                        "dtr_tls_cert_not_after_timestamp_seconds").contains(name))
                .toList();
        assertEquals(plain.names().stream().filter(compared::contains).toList(), compared);
        for (String name : compared) {
            assertEquals(plain.series(name), overTls.series(name), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm_trust_store", "other_ca", "name_wrong"})
    void aDtrWhoseCertificateIsNotTrustedIsDownWithReasonTls(String module) {
        Exposition metrics = exporter.probe(dtr.httpsTarget(), module);
        assertEquals(0, metrics.get("dtr_up"), module);
        assertEquals(1, metrics.get("dtr_api_error_info", "api", "cluster_status", "reason", "tls"), module);
        assertEquals(0, metrics.get("dtr_api_status_code", "api", "cluster_status"));
        assertFalse(metrics.has("dtr_server_count"));
    }

    /** The probe log and debug=true name the setting that fixes the failure, not only the JDK's words. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            jvm_trust_store | PKIX path building failed | set tls_config.ca_file to the DTR's CA
            other_ca        | PKIX path building failed | tls_config.ca_file does not hold the CA that issued the DTR's certificate (or the DTR does not send its intermediate certificates)
            name_wrong      | doesn't match           | set tls_config.server_name to a name the certificate holds
            """)
    void aTlsFailureSaysWhatToSetInTheProbeLogAndInDebugOutput(String module, String jdkWords, String hint) {
        String debug = exporter.get(ExporterHarness.probePath(dtr.httpsTarget(), module) + "&debug=true").body();
        Matcher id = Pattern.compile("^probe (\\d+) of target").matcher(debug);
        assertTrue(id.find(), debug);
        String log = exporter.get("/logs?id=" + id.group(1)).body();

        for (String text : List.of(debug, log)) {
            String failure = text.lines().filter(line -> line.contains("cluster_status -> ")).findFirst().orElse("");
            assertTrue(failure.contains(": failed, tls: "), text);
            assertTrue(failure.contains(jdkWords), failure);
            assertTrue(failure.endsWith("; " + hint), failure);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_rsa_pkcs1", "client_rsa_pkcs8", "client_ec_sec1"})
    void aDtrRequiringAClientCertificateAcceptsTheModulesCertificate(String module) {
        Exposition metrics = exporter.probe(mutualDtr.httpsTarget(), module);
        assertEquals(1, metrics.get("dtr_up"), module);
    }

    @ParameterizedTest
    @ValueSource(strings = {"trusted", "client_stranger"})
    void aDtrRequiringAClientCertificateRefusesAProbeWithoutOneItTrusts(String module) {
        Exposition metrics = exporter.probe(mutualDtr.httpsTarget(), module);
        assertEquals(0, metrics.get("dtr_up"), module);
        double tls = metrics.value("dtr_api_error_info", "api", "cluster_status", "reason", "tls").orElse(0.0);
        double connection = metrics.value("dtr_api_error_info", "api", "cluster_status", "reason", "connection").orElse(0.0);
        // TLS 1.3 servers may reject the certificate after the client's handshake ended: the
        // client then sees the connection reset rather than an alert
        assertEquals(1, tls + connection, "reason tls or connection: " + metrics.series("dtr_api_error_info"));
    }

    @Test
    void theEarliestExpiryOfTheDtrsCertificateChainIsExported() throws Exception {
        Exposition metrics = exporter.probe(dtr.httpsTarget(), "trusted");
        long expected = Long.MAX_VALUE;
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory()
                .createSocket("127.0.0.1", dtr.port())) {
            socket.startHandshake();
            for (Certificate certificate : socket.getSession().getPeerCertificates()) {
                expected = Math.min(expected,
                        ((X509Certificate) certificate).getNotAfter().toInstant().getEpochSecond());
            }
        }
        assertEquals(expected, metrics.get("dtr_tls_cert_not_after_timestamp_seconds"));
    }

    @Test
    void credentialsAreNotSentOverPlainHttp() {
        dtr.reset();
        dtr.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        HttpResponse<String> response = exporter.get(ExporterHarness.probePath(dtr.httpTarget(), "trusted"));
        assertEquals(403, response.statusCode());
        assertEquals("target \"" + dtr.httpTarget() + "\" is not allowed for module \"trusted\": its credentials"
                + " are only sent over https (allow_plain_http: true in the module allows http)\n", response.body());
        assertEquals(0, dtr.received().length, "no request reached the DTR");
    }
}
