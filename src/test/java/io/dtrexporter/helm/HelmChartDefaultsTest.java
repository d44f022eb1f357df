package io.dtrexporter.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.dtrexporter.config.ConfigLoader;
import io.dtrexporter.config.ExporterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart with its default values: what `helm install` gives before any values are written. */
class HelmChartDefaultsTest {
    private static RenderedChart chart;

    @BeforeAll
    static void render() {
        chart = RenderedChart.render();
    }

    @Test
    void lintPassesInStrictMode() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertFalse(lint.isFailed(), () -> "helm lint --strict: " + lint.getMessages());
        assertTrue(lint.getMessages().stream().allMatch(message -> message.startsWith("[INFO]")),
                () -> "helm lint --strict: " + lint.getMessages());
    }

    @Test
    void defaultsRenderTheExporterAndNothingForTheOperator() {
        assertEquals(List.of("ConfigMap", "Deployment", "Service", "ServiceAccount"),
                chart.kinds().stream().sorted().toList(), "no Secret without module secrets; no Probe or ServiceMonitor unless enabled");
    }

    @Test
    void defaultExporterYmlLoadsInTheExportersConfigLoader(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("exporter.yml"), chart.exporterYml());
        ExporterConfig config = ConfigLoader.load(file);
        assertTrue(config.modules().isEmpty(), "the chart cannot invent credentials: no module by default");
    }

    @Test
    void exporterRunsAsNobodyWithAReadOnlyRootAndNoCapabilities() {
        JsonNode pod = chart.podSpec().path("securityContext");
        assertTrue(pod.path("runAsNonRoot").asBoolean());
        assertEquals(65534, pod.path("runAsUser").asInt());
        assertEquals(65534, pod.path("runAsGroup").asInt());
        JsonNode container = chart.container().path("securityContext");
        assertTrue(container.path("readOnlyRootFilesystem").asBoolean());
        assertFalse(container.path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("[\"ALL\"]", container.path("capabilities").path("drop").toString());
        assertFalse(chart.podSpec().path("automountServiceAccountToken").asBoolean(true));
    }

    @Test
    void healthAndReadinessUseTheExportersEndpointsOnPortHttp() {
        JsonNode container = chart.container();
        assertEquals("/-/healthy", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/-/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("http", container.path("livenessProbe").path("httpGet").path("port").asText());
        JsonNode port = container.path("ports").get(0);
        assertEquals("http", port.path("name").asText());
        assertEquals(9580, port.path("containerPort").asInt());
        JsonNode servicePort = chart.one("Service").path("spec").path("ports").get(0);
        assertEquals(9580, servicePort.path("port").asInt());
        assertEquals("http", servicePort.path("targetPort").asText());
    }

    @Test
    void memoryLimitIsSetSoThatTheImagesJvmFlagsSizeTheHeapFromIt() throws IOException {
        // the image sizes its heap as a share of the container limit; without a limit it would take the node's
        assertTrue(Files.readString(Path.of("Dockerfile")).contains("exec java @/opt/dtr-exporter/jvm.options "),
                "the image's java command reads jvm.options");
        Matcher percentage = Pattern.compile("(?m)^-XX:MaxRAMPercentage=(\\d+)$").matcher(Files.readString(Path.of("jvm.options")));
        assertTrue(percentage.find(), "jvm.options sets -XX:MaxRAMPercentage");
        JsonNode resources = chart.container().path("resources");
        long limit = mebibytes(resources.path("limits").path("memory").asText());
        assertEquals(limit, mebibytes(resources.path("requests").path("memory").asText()), "memory request = limit");
        long heap = limit * Integer.parseInt(percentage.group(1)) / 100;
        // beside the heap: metaspace, code cache, thread stacks, buffers; Native Memory Tracking
        // measured about 91 MiB of them committed with 50 concurrent probes of the --demo DTR
        assertTrue(heap >= 128 && limit - heap >= 96,
                "limit " + limit + "Mi: heap " + heap + "Mi, " + (limit - heap) + "Mi for metaspace, code and threads");
        assertFalse(chart.container().has("env"), "no JDK_JAVA_OPTIONS: the launcher would note it on stderr");
    }

    @Test
    void configFileArgumentPointsIntoTheMountedConfigMap() {
        String mountPath = chart.container().path("volumeMounts").findParent("mountPath").path("mountPath").asText();
        assertTrue(chart.container().path("args").toString().contains("--config.file=" + mountPath + "/exporter.yml"));
        assertTrue(chart.one("Deployment").path("spec").path("template").path("metadata").path("annotations")
                .path("checksum/config").asText().matches("[0-9a-f]{64}"));
    }

    @Test
    void moduleWithCredentialsButNoAllowedTargetsIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RenderedChart.render(Path.of("src/test/resources/helm/invalid-credentials-without-allowed-targets.yaml")));
        assertTrue(refused.getMessage().contains("modules.prod.allowed_targets: is required"), refused.getMessage());
        assertFalse(refused.getMessage().contains("prod-Pa55word"), "the error does not quote the password");
    }

    private static long mebibytes(String quantity) {
        assertTrue(quantity.endsWith("Mi"), () -> "memory in Mi: " + quantity);
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }
}
