package io.dtrexporter.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.testing.TestCertificates.Issued;
import io.dtrexporter.testing.TestCertificates.KeyFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * exporter.yml as the issue specifies it: every key, the defaults, and for each mistake a user can
 * make, one message naming the file, the YAML path and the problem. Fixtures live in
 * src/test/resources/config, one per case; certificates and keys are made at test time.
 */
class ConfigLoaderTest {
    private static final String SYNTAX_ERROR_PASSWORD = "hunter2-never-printed";
    /** Only to encrypt keys the way openssl does; the exporter itself runs on the JDK's providers. */
    private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

    private static Issued ca;
    private static Issued rsaClient;
    private static Issued ecClient;

    @TempDir
    Path folder;

    @BeforeAll
    static void issueCertificates() {
        ca = TestCertificates.ca("config-test-ca");
        rsaClient = TestCertificates.client(ca, "rsa-client", "RSA");
        ecClient = TestCertificates.client(ca, "ec-client", "EC");
    }

    // --- valid configurations ---

    @Test
    void everyKeyIsReadIntoTheModule() throws IOException {
        Path config = fixtureWithFiles("valid-full.yml");

        ModuleConfig module = ConfigLoader.load(config).module("default").orElseThrow();

        assertEquals("default", module.name());
        assertEquals("monitor", module.basicAuth().orElseThrow().username());
        assertEquals("changeme-full", module.basicAuth().orElseThrow().password().value());
        assertEquals(List.of(ca.certificate()), module.tls().trustedCas());
        TlsConfig.ClientCertificate client = module.tls().clientCertificate().orElseThrow();
        assertEquals(List.of(rsaClient.certificate()), client.chain());
        assertEquals(rsaClient.keys().getPrivate(), client.key().value());
        assertEquals(Optional.of("dtr.corp"), module.tls().serverName());
        assertTrue(module.tls().insecureSkipVerify());
        assertEquals(7, module.jobCount());
        assertEquals(Duration.ofSeconds(90), module.timeout());
    }

    @Test
    void passwordFileIsReadInsteadOfPassword() throws IOException {
        Path config = fixtureWithFiles("valid-full.yml");

        ModuleConfig module = ConfigLoader.load(config).module("from_file").orElseThrow();

        assertEquals("prometheus", module.basicAuth().orElseThrow().username());
        assertEquals("from-the-file", module.basicAuth().orElseThrow().password().value());
        assertFalse(module.tls().insecureSkipVerify());
        assertEquals(0, module.jobCount(), "0 means: skip the jobs call");
        assertEquals(Duration.ofMillis(500), module.timeout());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesFolderNotTheWorkingDirectory() throws IOException {
        Path config = fixtureWithFiles("valid-full.yml");
        assertFalse(Files.exists(Path.of("ca.pem")), "the working directory must not hold the files by chance");

        ExporterConfig loaded = ConfigLoader.load(config);

        TlsConfig tls = loaded.module("default").orElseThrow().tls();
        assertEquals(Optional.of(folder.resolve("ca.pem")), tls.caFile());
        assertEquals(folder.resolve("client.pem"), tls.clientCertificate().orElseThrow().certFile());
        assertEquals(folder.resolve("client-key.pem"), tls.clientCertificate().orElseThrow().keyFile());
    }

    @Test
    void moduleWithoutKeysGetsTheDefaults() throws IOException {
        assertDefaults(ConfigLoader.load(fixture("valid-defaults.yml")).module("default").orElseThrow());
    }

    @Test
    void moduleWithAnEmptyBodyGetsTheDefaults() throws IOException {
        assertDefaults(ConfigLoader.load(fixture("valid-module-without-body.yml")).module("default").orElseThrow());
    }

    private static void assertDefaults(ModuleConfig module) {
        assertEquals(Optional.empty(), module.basicAuth(), "no credentials");
        assertEquals(Optional.empty(), module.tls().caFile());
        assertEquals(List.of(), module.tls().trustedCas(), "no CAs of our own: the JVM's trust store");
        assertEquals(Optional.empty(), module.tls().clientCertificate());
        assertEquals(Optional.empty(), module.tls().serverName());
        assertFalse(module.tls().insecureSkipVerify());
        assertEquals(100, module.jobCount());
        assertEquals(Duration.ofSeconds(10), module.timeout());
    }

    @Test
    void jobCountAcceptsBothEndsOfItsRange() throws IOException {
        ExporterConfig loaded = ConfigLoader.load(fixture("valid-job-count-limits.yml"));

        assertEquals(0, loaded.module("none").orElseThrow().jobCount());
        assertEquals(65536, loaded.module("most").orElseThrow().jobCount());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no newline                  | s3cret         | s3cret
            one newline                 | s3cret\\n      | s3cret
            one windows newline         | s3cret\\r\\n   | s3cret
            two newlines keep the first | s3cret\\n\\n   | s3cret\\n
            inner newline kept          | s3\\ncret\\n   | s3\\ncret
            trailing spaces kept        | 's3cret  \\n'  | 's3cret  '
            """)
    void passwordFileLosesExactlyOneTrailingNewline(String what, String content, String password) throws IOException {
        Path config = fixture("valid-password-file.yml");
        Files.writeString(folder.resolve("password.txt"), unescape(content));

        BasicAuth auth = ConfigLoader.load(config).module("default").orElseThrow().basicAuth().orElseThrow();

        assertEquals(unescape(password), auth.password().value());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "RSA PKCS#8,   RSA, PKCS8,         -----BEGIN PRIVATE KEY-----",
            "EC PKCS#8,    EC,  PKCS8,         -----BEGIN PRIVATE KEY-----",
            "RSA PKCS#1,   RSA, PKCS1_OR_SEC1, -----BEGIN RSA PRIVATE KEY-----"})
    void clientKeyLoadsAsPkcs8OrPkcs1(String what, String algorithm, KeyFormat format, String pemHeader)
            throws IOException {
        Issued client = algorithm.equals("EC") ? ecClient : rsaClient;
        Path config = fixture("valid-client-certificate.yml");
        TestCertificates.writeCertificate(folder.resolve("client.pem"), client.certificate());
        Path key = TestCertificates.writeKey(folder.resolve("client-key.pem"), client.keys(), format);
        assertTrue(Files.readString(key).startsWith(pemHeader), "the test writes the format it names");

        assertArrayEquals(client.keys().getPrivate().getEncoded(), loadedClientKey(config).getEncoded(),
                "the key read is the key written");
    }

    /** SEC1 keys as openssl writes them: with the curve, with or without the public key, maybe after EC PARAMETERS. */
    @ParameterizedTest(name = "public key included: {0}, EC PARAMETERS first: {1}")
    @CsvSource({"true, false", "false, false", "true, true"})
    void clientKeyLoadsAsSec1Ec(boolean withPublicKey, boolean afterEcParameters) throws IOException {
        Path config = fixture("valid-client-certificate.yml");
        TestCertificates.writeCertificate(folder.resolve("client.pem"), ecClient.certificate());
        String parameters = afterEcParameters
                ? pem(new PemObject("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded())) : "";
        Files.writeString(folder.resolve("client-key.pem"), parameters + sec1(ecClient.keys(), withPublicKey));

        // the encodings differ (the loaded key carries its public half); the secret scalar must not
        ECPrivateKey written = (ECPrivateKey) ecClient.keys().getPrivate();
        ECPrivateKey loaded = (ECPrivateKey) loadedClientKey(config);
        assertEquals(written.getS(), loaded.getS());
        assertEquals(written.getParams().getOrder(), loaded.getParams().getOrder(), "same curve");
    }

    private static PrivateKey loadedClientKey(Path config) {
        return ConfigLoader.load(config).module("default").orElseThrow()
                .tls().clientCertificate().orElseThrow().key().value();
    }

    @Test
    void toStringOfALoadedConfigShowsNoPasswordAndNoKeyMaterial() throws IOException {
        ExporterConfig loaded = ConfigLoader.load(fixtureWithFiles("valid-full.yml"));
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsaClient.keys().getPrivate();

        String shown = loaded.toString();

        assertFalse(shown.contains("changeme-full"), "password");
        assertFalse(shown.contains("from-the-file"), "password from password_file");
        assertFalse(shown.contains(key.getPrivateExponent().toString(16)), "private exponent, hex");
        assertFalse(shown.contains(key.getPrivateExponent().toString()), "private exponent, decimal");
        assertFalse(shown.contains(key.getPrimeP().toString()), "prime p");
        assertFalse(shown.contains(Base64.getEncoder().encodeToString(key.getEncoded()).substring(0, 64)), "PEM body");
        assertTrue(shown.contains("password=" + Secret.MASK), shown);
        assertTrue(shown.contains("key=" + Secret.MASK), shown);
    }

    // --- unknown keys, one per level ---

    @Test
    void unknownTopLevelKeyIsRejectedListingTheKnownOnes() throws IOException {
        assertRejected(fixture("invalid-unknown-top-level-key.yml"),
                "module: unknown key (known keys here: modules)");
    }

    @Test
    void unknownModuleKeyIsRejectedNamingItsPath() throws IOException {
        assertRejected(fixture("invalid-unknown-module-key.yml"),
                "modules.prod.retries: unknown key (known keys here: allow_plain_http, allowed_targets, basic_auth,"
                        + " crons, job_count, ping, scanning, timeout, tls_config, version, workers)");
    }

    @Test
    void misspelledBasicAuthKeyIsRejectedNamingItsPath() throws IOException {
        assertRejected(fixture("invalid-unknown-basic-auth-key.yml"),
                "modules.prod.basic_auth.pasword: unknown key (known keys here: password, password_file, username)");
    }

    @Test
    void unknownTlsConfigKeyIsRejectedNamingItsPath() throws IOException {
        assertRejected(fixture("invalid-unknown-tls-config-key.yml"),
                "modules.prod.tls_config.ca: unknown key"
                        + " (known keys here: ca_file, cert_file, insecure_skip_verify, key_file, server_name)");
    }

    // --- wrong types ---

    @Test
    void fileThatIsNotAMappingIsRejected() throws IOException {
        assertRejected(fixture("invalid-not-a-mapping.yml"), "must be a YAML mapping with a \"modules\" key");
    }

    @Test
    void modulesThatIsAListIsRejected() throws IOException {
        assertRejected(fixture("invalid-modules-not-a-mapping.yml"), "modules: must be a mapping, not a list");
    }

    @Test
    void moduleThatIsAStringIsRejected() throws IOException {
        assertRejected(fixture("invalid-module-not-a-mapping.yml"), "modules.prod: must be a mapping, not a string");
    }

    @Test
    void tlsConfigThatIsAStringIsRejected() throws IOException {
        assertRejected(fixture("invalid-tls-config-not-a-mapping.yml"),
                "modules.prod.tls_config: must be a mapping, not a string");
    }

    @Test
    void usernameThatIsAListIsRejected() throws IOException {
        assertRejected(fixture("invalid-username-is-a-list.yml"),
                "modules.prod.basic_auth.username: must be a string, not a list");
    }

    @Test
    void passwordThatYamlReadsAsANumberIsRejectedWithoutShowingIt() throws IOException {
        // the whole message is pinned: neither 0123 nor the 83 YAML made of it appears
        assertRejected(fixture("invalid-password-is-a-number.yml"),
                "modules.prod.basic_auth.password: must be a string, not a number; put the value in quotes");
    }

    @Test
    void insecureSkipVerifyThatIsAStringIsRejected() throws IOException {
        assertRejected(fixture("invalid-insecure-skip-verify-not-a-boolean.yml"),
                "modules.prod.tls_config.insecure_skip_verify: \"true\" is not a boolean (true or false)");
    }

    @Test
    void emptyModuleNameIsRejected() throws IOException {
        assertRejected(fixture("invalid-empty-module-name.yml"), "modules: a module name must not be empty");
    }

    // --- timeout ---

    @Test
    void timeoutThatIsNotADurationIsRejectedNamingItsPath() throws IOException {
        assertRejected(fixture("invalid-timeout-not-a-duration.yml"),
                "modules.prod.timeout: \"ten\" is not a duration (e.g. 500ms, 10s, 1m)");
    }

    @Test
    void zeroTimeoutIsRejected() throws IOException {
        assertRejected(fixture("invalid-timeout-zero.yml"), "modules.prod.timeout: \"0s\" must be greater than 0");
    }

    @Test
    void negativeTimeoutIsRejected() throws IOException {
        assertRejected(fixture("invalid-timeout-negative.yml"), "modules.prod.timeout: \"-5s\" must be greater than 0");
    }

    @Test
    void timeoutWithoutUnitIsRejected() throws IOException {
        assertRejected(fixture("invalid-timeout-without-unit.yml"),
                "modules.prod.timeout: 10 is not a duration (e.g. 500ms, 10s, 1m)");
    }

    // --- job_count ---

    @Test
    void negativeJobCountIsRejected() throws IOException {
        assertRejected(fixture("invalid-job-count-negative.yml"),
                "modules.prod.job_count: -1 is out of range (0 to 65536)");
    }

    @Test
    void jobCountAboveTheDtrLimitIsRejected() throws IOException {
        assertRejected(fixture("invalid-job-count-above-limit.yml"),
                "modules.prod.job_count: 65537 is out of range (0 to 65536)");
    }

    @Test
    void jobCountTooLargeForAnIntIsOutOfRangeNotAFraction() throws IOException {
        assertRejected(fixture("invalid-job-count-beyond-int.yml"),
                "modules.prod.job_count: 99999999999 is out of range (0 to 65536)");
    }

    @Test
    void fractionalJobCountIsRejected() throws IOException {
        assertRejected(fixture("invalid-job-count-fraction.yml"), "modules.prod.job_count: 1.5 is not a whole number");
    }

    @Test
    void quotedJobCountIsRejected() throws IOException {
        assertRejected(fixture("invalid-job-count-string.yml"), "modules.prod.job_count: \"100\" is not a whole number");
    }

    // --- basic_auth ---

    @Test
    void passwordAndPasswordFileTogetherAreRejected() throws IOException {
        assertRejected(fixture("invalid-password-and-password-file.yml"),
                "modules.prod.basic_auth: give password or password_file, not both");
    }

    @Test
    void basicAuthWithoutAnyPasswordIsRejected() throws IOException {
        assertRejected(fixture("invalid-neither-password-nor-password-file.yml"),
                "modules.prod.basic_auth: password or password_file is required");
    }

    @Test
    void basicAuthWithoutUsernameIsRejected() throws IOException {
        assertRejected(fixture("invalid-username-missing.yml"), "modules.prod.basic_auth.username: is required");
    }

    @Test
    void missingPasswordFileIsRejectedNamingTheResolvedPath() throws IOException {
        assertRejected(fixture("invalid-password-file-missing.yml"), "modules.prod.basic_auth.password_file: cannot read "
                + folder.resolve("no-such-password") + ": no such file");
    }

    // --- tls_config files ---

    @Test
    void certFileWithoutKeyFileIsRejected() throws IOException {
        assertRejected(fixture("invalid-cert-file-without-key-file.yml"),
                "modules.prod.tls_config.key_file: is required when cert_file is given");
    }

    @Test
    void keyFileWithoutCertFileIsRejected() throws IOException {
        assertRejected(fixture("invalid-key-file-without-cert-file.yml"),
                "modules.prod.tls_config.cert_file: is required when key_file is given");
    }

    @Test
    void emptyCaFileIsRejectedRatherThanReadAsTheFolder() throws IOException {
        assertRejected(fixture("invalid-ca-file-empty.yml"), "modules.prod.tls_config.ca_file: must not be empty");
    }

    @Test
    void missingCaFileIsRejected() throws IOException {
        assertRejected(fixture("invalid-ca-file-missing.yml"),
                "modules.prod.tls_config.ca_file: cannot read " + folder.resolve("no-such-ca.pem") + ": no such file");
    }

    @Test
    void missingCertFileIsRejected() throws IOException {
        Path config = fixture("invalid-cert-file-missing.yml");
        TestCertificates.writeKey(folder.resolve("client-key.pem"), rsaClient.keys(), KeyFormat.PKCS8);

        assertRejected(config, "modules.prod.tls_config.cert_file: cannot read "
                + folder.resolve("no-such-client.pem") + ": no such file");
    }

    @Test
    void missingKeyFileIsRejected() throws IOException {
        Path config = fixture("invalid-key-file-missing.yml");
        TestCertificates.writeCertificate(folder.resolve("client.pem"), rsaClient.certificate());

        assertRejected(config, "modules.prod.tls_config.key_file: cannot read "
                + folder.resolve("no-such-client-key.pem") + ": no such file");
    }

    @Test
    void caFileThatIsNotPemIsRejected() throws IOException {
        Path config = fixture("invalid-ca-file-not-pem.yml");
        writeNotPem();

        assertRejected(config,
                "modules.prod.tls_config.ca_file: no valid PEM certificate in " + folder.resolve("not-pem.txt"));
    }

    @Test
    void caFileHoldingOnlyAKeyIsRejected() throws IOException {
        Path config = fixture("invalid-ca-file-not-pem.yml");
        TestCertificates.writeKey(folder.resolve("not-pem.txt"), rsaClient.keys(), KeyFormat.PKCS8);

        assertRejected(config,
                "modules.prod.tls_config.ca_file: no valid PEM certificate in " + folder.resolve("not-pem.txt"));
    }

    @Test
    void certFileThatIsNotPemIsRejected() throws IOException {
        Path config = fixture("invalid-cert-file-not-pem.yml");
        writeNotPem();
        TestCertificates.writeKey(folder.resolve("client-key.pem"), rsaClient.keys(), KeyFormat.PKCS8);

        assertRejected(config,
                "modules.prod.tls_config.cert_file: no valid PEM certificate in " + folder.resolve("not-pem.txt"));
    }

    @Test
    void keyFileThatIsNotPemIsRejected() throws IOException {
        Path config = fixture("invalid-key-file-not-pem.yml");
        writeNotPem();
        TestCertificates.writeCertificate(folder.resolve("client.pem"), rsaClient.certificate());

        assertRejected(config, "modules.prod.tls_config.key_file: no PEM private key in " + folder.resolve("not-pem.txt"));
    }

    @ParameterizedTest(name = "{0} key for an RSA certificate")
    @ValueSource(strings = {"RSA", "EC"})
    void keyOfAnotherCertificateIsRejected(String algorithm) throws IOException {
        Path config = fixture("invalid-key-not-matching-certificate.yml");
        KeyPair otherKeys = TestCertificates.client(ca, "other", algorithm).keys();
        TestCertificates.writeCertificate(folder.resolve("client.pem"), rsaClient.certificate());
        TestCertificates.writeKey(folder.resolve("client-key.pem"), otherKeys, KeyFormat.PKCS8);

        assertRejected(config, "modules.prod.tls_config.key_file: the private key in " + folder.resolve("client-key.pem")
                + " does not belong to the certificate in " + folder.resolve("client.pem") + " (cert_file)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY"})
    void encryptedKeyIsRejected(String pemType) throws Exception {
        Path config = fixture("invalid-key-encrypted.yml");
        TestCertificates.writeCertificate(folder.resolve("client.pem"), rsaClient.certificate());
        String encrypted = pemType.equals("RSA PRIVATE KEY") ? encryptedPkcs1(rsaClient.keys()) : encryptedPkcs8(rsaClient.keys());
        assertTrue(encrypted.startsWith("-----BEGIN " + pemType + "-----"), encrypted.lines().findFirst().orElse(""));
        Files.writeString(folder.resolve("client-key.pem"), encrypted);

        assertRejected(config, "modules.prod.tls_config.key_file: the private key in " + folder.resolve("client-key.pem")
                + " is encrypted; give an unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC key");
    }

    // --- the file itself ---

    @Test
    void yamlSyntaxErrorNamesTheLineButNotItsText() throws IOException {
        ConfigException e = assertRejected(fixture("invalid-syntax-error-in-password-line.yml"),
                "not valid YAML: found unexpected end of stream while scanning a quoted scalar (line 5, column 15)");
        assertFalse(e.getMessage().contains(SYNTAX_ERROR_PASSWORD), "the broken line holds a password");
    }

    @Test
    void valueThatDoesNotFitItsYamlTagIsNotEchoed() throws IOException {
        ConfigException e = assertRejected(fixture("invalid-syntax-error-value-of-wrong-tag.yml"),
                "not valid YAML: Malformed numeric value (line 5, column 46)");
        assertFalse(e.getMessage().contains(SYNTAX_ERROR_PASSWORD), "the value is a password");
    }

    @Test
    void duplicateKeyIsRejectedNamingItsPath() throws IOException {
        assertRejected(fixture("invalid-duplicate-key.yml"), "modules.prod.timeout: duplicate key (line 5)");
    }

    @Test
    void duplicateModuleIsRejectedNamingItsPath() throws IOException {
        assertRejected(fixture("invalid-duplicate-module.yml"), "modules.prod: duplicate key (line 4)");
    }

    @Test
    void fileThatIsNotUtf8IsRejectedInWords() throws IOException {
        assertRejected(fixture("invalid-not-utf8.yml"), "cannot read it: not UTF-8 text");
    }

    @Test
    void missingConfigFileIsRejectedNamingIt() {
        assertRejected(folder.resolve("no-such-exporter.yml"), "cannot read it: no such file");
    }

    // --- helpers ---

    /** Asserts the whole message: the file, then the YAML path and the problem. */
    private static ConfigException assertRejected(Path config, String pathAndProblem) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("config file " + config + ": " + pathAndProblem, e.getMessage());
        return e;
    }

    /** Copies src/test/resources/config/{name} into the temporary folder, where tests add the files it names. */
    private Path fixture(String name) throws IOException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/config/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            Path copy = folder.resolve(name);
            Files.copy(in, copy);
            return copy;
        }
    }

    /** valid-full.yml with the files it names, all relative to its folder. */
    private Path fixtureWithFiles(String name) throws IOException {
        Path config = fixture(name);
        TestCertificates.writeCertificate(folder.resolve("ca.pem"), ca.certificate());
        TestCertificates.writeCertificate(folder.resolve("client.pem"), rsaClient.certificate());
        TestCertificates.writeKey(folder.resolve("client-key.pem"), rsaClient.keys(), KeyFormat.PKCS1_OR_SEC1);
        Files.createDirectories(folder.resolve("secrets"));
        Files.writeString(folder.resolve("secrets/dtr-password"), "from-the-file\n");
        return config;
    }

    private void writeNotPem() throws IOException {
        Files.writeString(folder.resolve("not-pem.txt"), "this is a note, not a certificate\n");
    }

    private static String encryptedPkcs8(KeyPair keys) throws OperatorCreationException, IOException {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(BOUNCY_CASTLE).setPassword("key-password".toCharArray()).build()));
    }

    /** The legacy OpenSSL form: "RSA PRIVATE KEY" with Proc-Type: 4,ENCRYPTED. */
    private static String encryptedPkcs1(KeyPair keys) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(keys.getPrivate(), new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BOUNCY_CASTLE).build("key-password".toCharArray()));
        }
        return out.toString();
    }

    /**
     * An "EC PRIVATE KEY" (RFC 5915) naming its curve, as openssl writes it. TestCertificates' SEC1 output
     * leaves the curve out (BouncyCastle copies the JDK's inner encoding), which no tool can read back.
     */
    private static String sec1(KeyPair keys, boolean withPublicKey) throws IOException {
        ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
        DERBitString publicKey = withPublicKey
                ? new DERBitString(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes())
                : null;
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                key.getParams().getOrder().bitLength(), key.getS(), publicKey, SECObjectIdentifiers.secp256r1);
        return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }

    private static String pem(PemObjectGenerator object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String unescape(String csv) {
        return csv.replace("\\r", "\r").replace("\\n", "\n");
    }
}
