package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a person on call gets from prometheus-rules.yml, without promtool: every alert names the DTR,
 * links a runbook section that exists, waits out a flaky scrape, and has unit tests in
 * rules-test.yml where it fires and where it stays quiet (PromtoolTest runs them).
 */
class AlertRulesTest {
    private static final Path RULES = Path.of("prometheus-rules.yml");
    private static final Path RUNBOOKS = Path.of("docs/alerts.md");
    private static final Path UNIT_TESTS = Path.of("src/test/prometheus/rules-test.yml");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    private static List<JsonNode> alerts;

    @BeforeAll
    static void readRules() throws IOException {
        alerts = new ArrayList<>();
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            group.path("rules").forEach(rule -> {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            });
        }
    }

    @Test
    void everyAlertLinksItsOwnRunbookSectionAndEverySectionHasItsAlert() throws IOException {
        Set<String> sections = new TreeSet<>();
        for (String line : Files.readAllLines(RUNBOOKS)) {
            if (line.startsWith("## ")) {
                sections.add(line.substring(3).strip());
            }
        }
        Map<String, String> wrongLinks = new TreeMap<>();
        for (JsonNode alert : alerts) {
            String name = alert.path("alert").asText();
            String link = alert.path("annotations").path("runbook_url").asText();
            // GitHub's and most renderers' anchor for "## DtrDown"
            if (!link.equals("docs/alerts.md#" + name.toLowerCase(Locale.ROOT))) {
                wrongLinks.put(name, link);
            }
        }
        assertEquals(Map.of(), wrongLinks, "runbook_url of each alert");
        assertEquals(names(), sections, "the sections of docs/alerts.md");
    }

    @Test
    void everyAlertNamesTheDtrInItsSummaryAndDescription() {
        List<String> silent = new ArrayList<>();
        for (JsonNode alert : alerts) {
            for (String annotation : List.of("summary", "description")) {
                if (!alert.path("annotations").path(annotation).asText().contains("$labels.instance")) {
                    silent.add(alert.path("alert").asText() + " " + annotation);
                }
            }
        }
        assertEquals(List.of(), silent, "annotations that do not name the DTR");
    }

    @Test
    void noAlertFiresOnASingleScrape() {
        Map<String, String> hasty = new TreeMap<>();
        for (JsonNode alert : alerts) {
            String waiting = alert.path("for").asText("0s");
            if (duration(waiting).compareTo(Duration.ofMinutes(2)) < 0) {
                hasty.put(alert.path("alert").asText(), waiting);
            }
        }
        assertEquals(Map.of(), hasty, "alerts waiting less than 2 minutes (two scrapes at 1m)");
    }

    @Test
    void everyAlertHasUnitTestsWhereItFiresAndWhereItStaysQuiet() throws IOException {
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : new YAMLMapper().readTree(UNIT_TESTS.toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fires).add(check.path("alertname").asText());
            }
        }
        assertEquals(names(), fires, "alerts that some unit test shows firing");
        assertEquals(names(), quiet, "alerts that some unit test shows quiet");
    }

    private static Set<String> names() {
        Set<String> names = new TreeSet<>();
        alerts.forEach(alert -> names.add(alert.path("alert").asText()));
        return names;
    }

    private static Duration duration(String prometheusDuration) {
        Duration total = Duration.ZERO;
        Matcher part = DURATION.matcher(prometheusDuration);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        return total;
    }
}
