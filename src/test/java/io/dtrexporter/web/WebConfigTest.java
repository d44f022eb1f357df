package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.cli.Main;
import io.dtrexporter.config.ConfigException;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.testing.TestCertificates.Issued;
import io.dtrexporter.testing.TestCertificates.KeyFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --web.config.file: TLS, client certificates and basic auth in front of every endpoint, reloaded live. */
class WebConfigTest {
    private static final String PASSWORD = "scrape-Secret-1";
    static Issued serverCa;
    static Issued clientCa;
    static Issued server;
    static Issued client;
    static Issued stranger;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() {
        serverCa = TestCertificates.ca("Exporter CA");
        clientCa = TestCertificates.ca("Prometheus CA");
        server = TestCertificates.server(serverCa, "localhost");
        client = TestCertificates.client(clientCa, "prometheus", "EC");
        Issued strangerCa = TestCertificates.ca("Stranger CA");
        stranger = TestCertificates.client(strangerCa, "stranger", "RSA");
    }

    @Test
    void tlsOnlyServesHttpsAndNotPlainHttp() throws Exception {
        writeServerFiles();
        try (Main.Running exporter = start("tls_server_config: {cert_file: server.pem, key_file: server.key}\n")) {
            HttpResponse<String> response = get(https(null), "https://localhost:" + exporter.port() + "/metrics", null);
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("dtr_exporter_build_info"));
            assertThrows(IOException.class, () -> get(HttpClient.newHttpClient(),
                    "http://127.0.0.1:" + exporter.port() + "/metrics", null));
        }
    }

    @Test
    void aRequiredClientCertificateIsVerifiedAgainstTheClientCa() throws Exception {
        writeServerFiles();
        TestCertificates.writeCertificate(dir.resolve("client-ca.pem"), clientCa.certificate());
        try (Main.Running exporter = start("""
                tls_server_config:
                  cert_file: server.pem
                  key_file: server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: client-ca.pem
                  min_version: TLS12
                """)) {
            String url = "https://localhost:" + exporter.port() + "/-/healthy";
            assertEquals(200, get(https(client), url, null).statusCode());
            assertThrows(IOException.class, () -> get(https(null), url, null), "no client certificate");
            assertThrows(IOException.class, () -> get(https(stranger), url, null), "a certificate of another CA");
        }
    }

    @ParameterizedTest(name = "${0}$ cost {1}")
    @CsvSource({"2y, 4", "2b, 6", "2a, 8", "2y, 10", "2b, 12"})
    void basicAuthAcceptsTheRightPasswordForEveryBcryptFlavourAndCost(String version, int cost) throws Exception {
        String hash = OpenBSDBCrypt.generate(version, PASSWORD.toCharArray(), salt(), cost);
        assertTrue(hash.startsWith("$" + version + "$" + String.format("%02d", cost) + "$"), hash);
        try (Main.Running exporter = start("basic_auth_users:\n  prometheus: \"" + hash + "\"\n")) {
            String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, get(http, url, basic("prometheus", PASSWORD)).statusCode());
            assertEquals(200, get(http, url, basic("prometheus", PASSWORD)).statusCode(), "remembered");
            HttpResponse<String> wrong = get(http, url, basic("prometheus", PASSWORD + "x"));
            assertEquals(401, wrong.statusCode());
            assertEquals("Basic realm=\"dtr-exporter\", charset=\"UTF-8\"",
                    wrong.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals(401, get(http, url, null).statusCode(), "missing");
            assertEquals(401, get(http, url, basic("someone", PASSWORD)).statusCode(), "unknown user");
            assertEquals(401, get(http, "http://127.0.0.1:" + exporter.port() + "/probe?target=x", null).statusCode(),
                    "every endpoint is protected");
        }
    }

    @Test
    void aChangedWebConfigTakesEffectWithoutARestartAndABrokenOneIsIgnored() throws Exception {
        String first = OpenBSDBCrypt.generate("2y", "first-pw".toCharArray(), salt(), 4);
        String second = OpenBSDBCrypt.generate("2y", "second-pw".toCharArray(), salt(), 4);
        writeServerFiles();
        try (Main.Running exporter = start("tls_server_config: {cert_file: server.pem, key_file: server.key}\n"
                + "basic_auth_users: {prometheus: \"" + first + "\"}\n")) {
            String url = "https://localhost:" + exporter.port() + "/metrics";
            assertEquals(200, get(https(null), url, basic("prometheus", "first-pw")).statusCode());

            // a new password, and a new server certificate from another CA
            Issued rotatedCa = TestCertificates.ca("Rotated CA");
            Issued rotated = TestCertificates.server(rotatedCa, "localhost");
            TestCertificates.writeCertificate(dir.resolve("server.pem"), rotated.certificate());
            TestCertificates.writeKey(dir.resolve("server.key"), rotated.keys(), KeyFormat.PKCS8);
            Files.writeString(dir.resolve("web.yml"), "tls_server_config: {cert_file: server.pem, key_file: server.key}\n"
                    + "basic_auth_users: {prometheus: \"" + second + "\"}\n");
            awaitStatus(https(rotatedCa, null), url, basic("prometheus", "second-pw"), 200);
            assertEquals(401, get(https(rotatedCa, null), url, basic("prometheus", "first-pw")).statusCode());
            assertEquals(rotated.certificate(), servedCertificate(https(rotatedCa, null), url));

            // a broken edit: the running config stays
            Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {prometheus: not-a-hash}\n");
            Thread.sleep(3000);
            assertEquals(200, get(https(rotatedCa, null), url, basic("prometheus", "second-pw")).statusCode());
        }
    }

    @Test
    void anEditThatChangesTheListenerIsNotTakenUntilARestart() throws Exception {
        writeServerFiles();
        TestCertificates.writeCertificate(dir.resolve("client-ca.pem"), clientCa.certificate());
        try (Main.Running exporter = start("tls_server_config: {cert_file: server.pem, key_file: server.key,"
                + " client_auth_type: RequireAndVerifyClientCert, client_ca_file: client-ca.pem}\n")) {
            String url = "https://localhost:" + exporter.port() + "/-/healthy";
            assertThrows(IOException.class, () -> get(https(stranger), url, null));
            // a weaker client_auth_type, then no TLS at all: neither may take effect before a restart
            Files.writeString(dir.resolve("web.yml"), "tls_server_config: {cert_file: server.pem, key_file: server.key,"
                    + " client_auth_type: RequireAnyClientCert}\n");
            Thread.sleep(3000);
            assertThrows(IOException.class, () -> get(https(stranger), url, null), "a foreign certificate");
            Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {}\n");
            Thread.sleep(3000);
            assertEquals(200, get(https(client), url, null).statusCode(), "TLS still served as started");
        }
    }

    @Test
    void anUnknownUserCostsABcryptCheckLikeAWrongPassword() throws Exception {
        String hash = OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt(), 11);
        try (Main.Running exporter = start("basic_auth_users: {prometheus: \"" + hash + "\"}\n")) {
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + exporter.port() + "/-/healthy";
            get(http, url, basic("prometheus", "warm-up"));
            long unknown = 0;
            long known = 0;
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertEquals(401, get(http, url, basic("nobody", "guess" + i)).statusCode());
                unknown += System.nanoTime() - start;
                start = System.nanoTime();
                assertEquals(401, get(http, url, basic("prometheus", "guess" + i)).statusCode());
                known += System.nanoTime() - start;
            }
            // bcrypt at cost 11 takes ~100 ms; without the dummy check an unknown user took ~1 ms
            assertTrue(unknown * 3 > known, "unknown user " + unknown / 3e6 + " ms, known user " + known / 3e6 + " ms");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "basic_auth_users: {alice: hunter2}                         | basic_auth_users.alice: is not a bcrypt hash ($2y$, $2b$ or $2a$, as htpasswd -nbB writes)",
        "tls_server_config: {cert_file: server.pem}                  | tls_server_config.key_file: is required",
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: Always} | tls_server_config.client_auth_type: \"Always\" is not one of [NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert]",
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: RequireAndVerifyClientCert} | tls_server_config.client_ca_file: is required when client_auth_type is RequireAndVerifyClientCert",
        "tls_server_config: {cert_file: server.pem, key_file: server.key, min_version: TLS9} | tls_server_config.min_version: \"TLS9\" is not one of [TLS10, TLS11, TLS12, TLS13]",
        "http_server_config: {http2: true}                           | http_server_config: unknown key (known keys here: basic_auth_users, tls_server_config)",
    })
    void anInvalidWebConfigStopsTheStartNamingTheFileAndPath(String yaml, String problem) throws Exception {
        writeServerFiles();
        ConfigException e = assertThrows(ConfigException.class, () -> start(yaml + "\n"));
        assertEquals("web config file " + dir.resolve("web.yml") + ": " + problem, e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    private Main.Running start(String webYaml) throws IOException {
        Path config = Files.writeString(dir.resolve("exporter.yml"), "modules: {}\n");
        Path web = Files.writeString(dir.resolve("web.yml"), webYaml);
        return Main.start("--config.file=" + config, "--web.listen-address=127.0.0.1:0", "--web.config.file=" + web);
    }

    private void writeServerFiles() {
        TestCertificates.writeCertificate(dir.resolve("server.pem"), server.certificate());
        TestCertificates.writeKey(dir.resolve("server.key"), server.keys(), KeyFormat.PKCS1_OR_SEC1);
    }

    private static void awaitStatus(HttpClient http, String url, String authorization, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                if (get(http, url, authorization).statusCode() == status) {
                    return;
                }
            } catch (IOException e) {
                // the old certificate is still served: not yet reloaded
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the web config was not reloaded within 10 s");
            }
            Thread.sleep(200);
        }
    }

    private static X509Certificate servedCertificate(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = get(http, url, null);
        SSLSession session = response.sslSession().orElseThrow();
        return (X509Certificate) session.getPeerCertificates()[0];
    }

    private static HttpResponse<String> get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient https(Issued clientCertificate) throws Exception {
        return https(serverCa, clientCertificate);
    }

    /** A client trusting {@code ca}, showing {@code clientCertificate} when not null; new connections each time. */
    private static HttpClient https(Issued ca, Issued clientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trust);
        KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (clientCertificate != null) {
            keys.setKeyEntry("client", clientCertificate.keys().getPrivate(), new char[0],
                    new X509Certificate[] {clientCertificate.certificate()});
        }
        keyFactory.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }
}
