package io.dtrexporter.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dtrexporter.config.ConfigLoader;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.probe.TargetAccess;
import io.dtrexporter.testing.TestCertificates;
import io.dtrexporter.testing.TestCertificates.Issued;
import io.dtrexporter.testing.TestCertificates.KeyFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three DTRs, two modules: "prod" with its password, CA, client certificate and key in the chart's
 * Secret, "lab" with all of them in an existing Secret (dtr-lab-credentials), as a user would
 * create it with kubectl. The certificates are made at test time, so none expires in the repository.
 */
class HelmChartMultiDtrTest {
    private static final Path VALUES = Path.of("src/test/resources/helm/three-dtrs-two-modules.yaml");
    private static final String PROD_PASSWORD = "prod-Pa55word-9f3c2e71";
    private static final String EXISTING_SECRET = "dtr-lab-credentials";
    private static final String SERVICE_ADDRESS = "dtr-dtr-exporter.monitoring.svc:9580";

    @TempDir
    static Path work;
    private static RenderedChart chart;
    private static String prodClientKeyPem;
    /** What the existing Secret holds, key by key; the chart never sees it. */
    private static final Map<String, String> existingSecret = new LinkedHashMap<>();

    @BeforeAll
    static void render() throws IOException {
        Issued prodCa = TestCertificates.ca("prod-ca");
        Issued prodClient = TestCertificates.client(prodCa, "prometheus", "RSA");
        prodClientKeyPem = pem(w -> TestCertificates.writeKey(w, prodClient.keys(), KeyFormat.PKCS8));
        ObjectNode tls = RenderedChart.YAML.createObjectNode();
        tls.put("ca", pem(w -> TestCertificates.writeCertificate(w, prodCa.certificate())));
        tls.put("cert", pem(w -> TestCertificates.writeCertificate(w, prodClient.certificate())));
        tls.put("key", prodClientKeyPem);
        ObjectNode generated = RenderedChart.YAML.createObjectNode();
        generated.putObject("modules").putObject("prod").set("tls_config", tls);
        Path generatedValues = work.resolve("prod-tls-values.yaml");
        RenderedChart.YAML.writeValue(generatedValues.toFile(), generated);

        Issued labCa = TestCertificates.ca("lab-ca");
        Issued labClient = TestCertificates.client(labCa, "monitor", "EC");
        existingSecret.put("token", "lab-access-token-5b1e0c47\n");
        existingSecret.put("ca.crt", pem(w -> TestCertificates.writeCertificate(w, labCa.certificate())));
        existingSecret.put("tls.crt", pem(w -> TestCertificates.writeCertificate(w, labClient.certificate())));
        existingSecret.put("tls.key", pem(w -> TestCertificates.writeKey(w, labClient.keys(), KeyFormat.PKCS1_OR_SEC1)));

        chart = RenderedChart.render(VALUES, generatedValues);
    }

    @Test
    void exporterYmlLoadsWithTheFilesTheSecretsProvideAtTheirMountPaths(@TempDir Path root) throws IOException {
        ExporterConfig config = loadAsMounted(root);

        ModuleConfig prod = config.module("prod").orElseThrow();
        assertEquals("prometheus", prod.basicAuth().orElseThrow().username());
        assertEquals(PROD_PASSWORD, prod.basicAuth().orElseThrow().password().value());
        assertEquals(1, prod.tls().trustedCas().size());
        assertTrue(prod.tls().clientCertificate().isPresent());
        assertEquals(Optional.of("dtr.prod.example.com"), prod.tls().serverName());
        assertEquals(50, prod.jobCount());
        assertEquals("PT8S", prod.timeout().toString());
        assertFalse(prod.workers(), "workers: false reaches exporter.yml");
        assertTrue(prod.ping(), "ping, not given, keeps its default");
        assertFalse(prod.version(), "version: false reaches exporter.yml");
        assertTrue(prod.scanning() && prod.crons(), "scanning and crons, not given, keep their default");

        ModuleConfig lab = config.module("lab").orElseThrow();
        assertEquals("monitor", lab.basicAuth().orElseThrow().username());
        assertEquals("lab-access-token-5b1e0c47", lab.basicAuth().orElseThrow().password().value());
        assertEquals(1, lab.tls().trustedCas().size());
        assertEquals("EC", lab.tls().clientCertificate().orElseThrow().key().value().getAlgorithm());
        assertFalse(lab.allowPlainHttp());
        assertEquals(2, config.modules().size());
    }

    @Test
    void everyFileExporterYmlNamesIsAKeyOfASecretMountedAtThatPath() throws IOException {
        List<String> files = filePaths(RenderedChart.YAML.readTree(chart.exporterYml()));
        assertEquals(8, files.size(), () -> "password, CA, certificate and key of both modules: " + files);
        for (String file : files) {
            MountedKey key = mountedKey(file);
            String expectedSecret = file.contains("/lab/") ? EXISTING_SECRET : "dtr-dtr-exporter";
            assertEquals(expectedSecret, key.secretName(), file);
        }
    }

    @Test
    void eachTargetIsOneProbeThroughTheServiceWithItsModuleAndItsNameAsInstance() {
        Map<String, String[]> expected = Map.of(
                "dtr-prod-a", new String[] {"https://dtr-a.prod.example.com", "prod"},
                "dtr-prod-b", new String[] {"https://dtr-b.prod.example.com:4443", "prod"},
                "dtr-lab", new String[] {"https://dtr.lab.example.com:4443", "lab"});
        List<JsonNode> probes = chart.all("Probe");
        assertEquals(3, probes.size());
        Map<String, JsonNode> byInstance = new HashMap<>();
        for (JsonNode probe : probes) {
            assertEquals("monitoring.coreos.com/v1", probe.path("apiVersion").asText());
            assertEquals("kube-prometheus-stack", probe.path("metadata").path("labels").path("release").asText());
            JsonNode spec = probe.path("spec");
            assertEquals(SERVICE_ADDRESS, spec.path("prober").path("url").asText());
            assertEquals("/probe", spec.path("prober").path("path").asText());
            JsonNode relabeling = spec.path("targets").path("staticConfig").path("relabelingConfigs").get(0);
            assertEquals("instance", relabeling.path("targetLabel").asText());
            byInstance.put(relabeling.path("replacement").asText(), spec);
        }
        assertEquals(expected.keySet(), byInstance.keySet());
        expected.forEach((instance, urlAndModule) -> {
            JsonNode spec = byInstance.get(instance);
            assertEquals("[\"" + urlAndModule[0] + "\"]", spec.path("targets").path("staticConfig").path("static").toString(), instance);
            assertEquals(urlAndModule[1], spec.path("module").asText(), instance);
        });
        assertEquals("prod", byInstance.get("dtr-prod-b").path("targets").path("staticConfig").path("labels").path("env").asText());
    }

    @Test
    void proberAddressIsTheChartsServiceOnItsPort() {
        JsonNode service = chart.one("Service");
        String address = service.path("metadata").path("name").asText() + "." + service.path("metadata").path("namespace").asText()
                + ".svc:" + service.path("spec").path("ports").get(0).path("port").asInt();
        assertEquals(SERVICE_ADDRESS, address);
    }

    @Test
    void everyTargetIsAllowedByItsModulesAllowedTargets(@TempDir Path root) throws IOException {
        ExporterConfig config = loadAsMounted(root);
        for (JsonNode probe : chart.all("Probe")) {
            String url = probe.path("spec").path("targets").path("staticConfig").path("static").get(0).asText();
            ModuleConfig module = config.module(probe.path("spec").path("module").asText()).orElseThrow();
            assertEquals(Optional.empty(), TargetAccess.refusal(module, Target.parse(url), url), url);
        }
    }

    @Test
    void noSecretValueAppearsOutsideSecretObjects() throws IOException {
        List<String> secrets = new ArrayList<>(List.of(PROD_PASSWORD, keyBody(prodClientKeyPem)));
        existingSecret.values().forEach(value -> secrets.add(value.startsWith("-----") ? keyBody(value) : value.strip()));
        List<String> forms = new ArrayList<>();
        secrets.forEach(secret -> forms.addAll(List.of(secret, base64(secret))));
        forms.add(base64(prodClientKeyPem));
        for (JsonNode object : chart.objects()) {
            if (object.path("kind").asText().equals("Secret")) {
                continue;
            }
            String text = RenderedChart.YAML.writeValueAsString(object);
            for (String form : forms) {
                assertFalse(text.contains(form), () -> object.path("kind").asText() + " holds a secret value");
            }
        }
        JsonNode data = chart.one("Secret").path("data");
        assertEquals(PROD_PASSWORD, decoded(data.path("prod.password")), "the chart's Secret holds the password");
        assertFalse(data.has("lab.password"), "an existing secret's module gets nothing in the chart's Secret");
    }

    @Test
    void serviceMonitorScrapesTheExportersOwnMetricsThroughTheService() {
        JsonNode monitor = chart.one("ServiceMonitor");
        assertEquals("kube-prometheus-stack", monitor.path("metadata").path("labels").path("release").asText());
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertEquals("http", endpoint.path("port").asText());
        assertEquals("/metrics", endpoint.path("path").asText());
        JsonNode serviceLabels = chart.one("Service").path("metadata").path("labels");
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label ->
                assertEquals(label.getValue(), serviceLabels.path(label.getKey()), "Service label " + label.getKey()));
    }

    @Test
    void replicasAreTheValuesReplicaCount() {
        assertEquals(3, chart.one("Deployment").path("spec").path("replicas").asInt());
    }

    @Test
    void changedConfigChangesThePodTemplatesChecksum() throws IOException {
        Path shorterTimeout = Files.writeString(work.resolve("shorter-timeout.yaml"), "modules: {prod: {timeout: 5s}}\n");
        RenderedChart changed = RenderedChart.render(VALUES, shorterTimeout);
        assertNotEquals(checksum(chart), checksum(changed));
        assertTrue(changed.exporterYml().contains("timeout: 5s"));
    }

    /**
     * Writes exporter.yml and every file the Secrets would provide under root, at the paths the
     * Deployment mounts them, rewrites exporter.yml's absolute paths to point under root, and loads it.
     */
    private static ExporterConfig loadAsMounted(Path root) throws IOException {
        ObjectNode config = (ObjectNode) RenderedChart.YAML.readTree(chart.exporterYml());
        for (JsonNode module : config.path("modules")) {
            for (String section : List.of("basic_auth", "tls_config")) {
                JsonNode node = module.path(section);
                if (!(node instanceof ObjectNode object)) {
                    continue;
                }
                for (String field : List.of("password_file", "ca_file", "cert_file", "key_file")) {
                    if (object.has(field)) {
                        String mounted = object.path(field).asText();
                        Path local = under(root, mounted);
                        Files.createDirectories(local.getParent());
                        Files.writeString(local, contentOf(mountedKey(mounted)));
                        object.set(field, new TextNode(local.toString()));
                    }
                }
            }
        }
        String configPath = chart.container().path("args").get(0).asText().replaceFirst("^--config\\.file=", "");
        Path file = under(root, configPath);
        Files.createDirectories(file.getParent());
        RenderedChart.YAML.writeValue(file.toFile(), config);
        return ConfigLoader.load(file);
    }

    /** The Secret key that the Deployment mounts at this absolute path; fails when nothing is mounted there. */
    private static MountedKey mountedKey(String path) {
        JsonNode container = chart.container();
        for (JsonNode mount : container.path("volumeMounts")) {
            String prefix = mount.path("mountPath").asText() + "/";
            if (!path.startsWith(prefix)) {
                continue;
            }
            String relative = path.substring(prefix.length());
            JsonNode volume = StreamSupport.stream(chart.podSpec().path("volumes").spliterator(), false)
                    .filter(v -> v.path("name").asText().equals(mount.path("name").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no volume " + mount.path("name")));
            JsonNode secret = volume.path("secret");
            assertTrue(mount.path("readOnly").asBoolean(), path + " is mounted read-only");
            assertFalse(secret.isMissingNode(), () -> path + " is mounted from a Secret, not " + volume);
            for (JsonNode item : secret.path("items")) {
                if (item.path("path").asText().equals(relative)) {
                    return new MountedKey(secret.path("secretName").asText(), item.path("key").asText());
                }
            }
            throw new AssertionError(path + ": volume " + volume.path("name") + " has no item " + relative);
        }
        throw new AssertionError(path + " is under no volumeMount of the Deployment");
    }

    private record MountedKey(String secretName, String key) {
    }

    private static String contentOf(MountedKey mounted) {
        if (mounted.secretName().equals(EXISTING_SECRET)) {
            String value = existingSecret.get(mounted.key());
            if (value == null) {
                throw new AssertionError("the existing Secret has no key " + mounted.key());
            }
            return value;
        }
        JsonNode secret = chart.all("Secret").stream()
                .filter(s -> s.path("metadata").path("name").asText().equals(mounted.secretName()))
                .findFirst().orElseThrow(() -> new AssertionError("no Secret " + mounted.secretName() + " rendered"));
        JsonNode value = secret.path("data").path(mounted.key());
        assertFalse(value.isMissingNode(), () -> "Secret " + mounted.secretName() + " has no key " + mounted.key());
        return decoded(value);
    }

    private static List<String> filePaths(JsonNode config) {
        List<String> paths = new ArrayList<>();
        config.path("modules").forEach(module -> module.fields().forEachRemaining(section ->
                section.getValue().fields().forEachRemaining(field -> {
                    if (field.getKey().endsWith("_file")) {
                        paths.add(field.getValue().asText());
                    }
                })));
        return paths;
    }

    private static Path under(Path root, String absolute) {
        assertTrue(absolute.startsWith("/"), () -> absolute + " is absolute");
        return root.resolve(absolute.substring(1));
    }

    private static String checksum(RenderedChart rendered) {
        return rendered.one("Deployment").path("spec").path("template").path("metadata").path("annotations")
                .path("checksum/config").asText();
    }

    /** A line of a PEM's base64 body, past the first: unique to that key. */
    private static String keyBody(String pem) {
        return pem.lines().filter(line -> !line.startsWith("-----")).skip(1).findFirst().orElseThrow();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decoded(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private interface PemWriter {
        Path write(Path file);
    }

    private static String pem(PemWriter writer) {
        try {
            Path file = Files.createTempFile(work, "pem", ".pem");
            return Files.readString(writer.write(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
