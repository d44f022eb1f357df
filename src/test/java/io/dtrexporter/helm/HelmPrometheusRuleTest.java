package io.dtrexporter.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's PrometheusRule: the alerts of prometheus-rules.yml as Prometheus would load them from
 * that file, their Prometheus templates untouched by Helm, their runbook links absolute.
 */
class HelmPrometheusRuleTest {
    private static final Path RULES = Path.of("prometheus-rules.yml");
    private static final Path CHART_RULES = RenderedChart.CHART.resolve("files/prometheus-rules.yml");
    private static final Path VALUES = Path.of("src/test/resources/helm/prometheus-rule.yaml");
    private static final String RUNBOOK_BASE = "https://git.example.com/monitoring/dtr-exporter/-/blob/main";

    private static JsonNode rule;

    @BeforeAll
    static void render() {
        rule = RenderedChart.render(VALUES).one("PrometheusRule");
    }

    @Test
    void chartHoldsTheRepositorysRulesFileUnchanged() throws IOException {
        long firstDifference = Files.mismatch(RULES, CHART_RULES);
        assertEquals(-1, firstDifference, () -> "the files differ from byte " + firstDifference
                + "; Helm reads no file outside the chart: cp prometheus-rules.yml " + CHART_RULES);
    }

    @Test
    void renderedGroupsAreThoseOfPrometheusRulesYmlWithAbsoluteRunbookUrls() throws IOException {
        JsonNode expected = RenderedChart.YAML.readTree(RULES.toFile()).path("groups");
        for (JsonNode group : expected) {
            for (JsonNode alert : group.path("rules")) {
                ObjectNode annotations = (ObjectNode) alert.path("annotations");
                annotations.put("runbook_url", RUNBOOK_BASE + "/" + annotations.path("runbook_url").asText());
            }
        }
        assertEquals(expected, rule.path("spec").path("groups"));
    }

    @Test
    void annotationsKeepTheirPrometheusTemplatesForPrometheusToFillIn() {
        JsonNode down = alert("DtrDown").path("annotations");
        assertTrue(down.path("summary").asText().startsWith("DTR {{ $labels.instance }} fails the exporter's calls:"),
                down.toString());
        assertTrue(down.path("description").asText().contains("$labels.job | query | sortByLabel \"reason\" }}"),
                down.toString());
        assertEquals("https://git.example.com/monitoring/dtr-exporter/-/blob/main/docs/alerts.md#dtrdown",
                down.path("runbook_url").asText());
    }

    @Test
    void ruleCarriesTheLabelsTheOperatorsRuleSelectorMatches() {
        JsonNode metadata = rule.path("metadata");
        assertEquals("kube-prometheus-stack", metadata.path("labels").path("release").asText());
        assertEquals("dtr-exporter", metadata.path("labels").path("app.kubernetes.io/name").asText());
        assertEquals(RenderedChart.NAMESPACE, metadata.path("namespace").asText());
    }

    @Test
    void enabledWithoutARunbookBaseUrlIsRefusedNamingTheValue() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RenderedChart.render(
                Path.of("src/test/resources/helm/invalid-prometheus-rule-without-runbook-base-url.yaml")));
        assertTrue(refused.getMessage().contains("prometheusRule.runbookBaseUrl: \"\" is not an http(s) URL"),
                refused.getMessage());
    }

    private static JsonNode alert(String name) {
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode alert : group.path("rules")) {
                if (alert.path("alert").asText().equals(name)) {
                    return alert;
                }
            }
        }
        throw new AssertionError("no alert " + name + " in the PrometheusRule");
    }
}
