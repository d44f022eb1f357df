package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.DemoDtr;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /} for someone in an incident: the fleet with failures first, the modules, a probe link that works. */
class LandingPageTest {
    private static final String DEAD = "http://127.0.0.1:1";
    private static final Pattern TARGET_ROW = Pattern.compile(
            "<tr class=\"(up|down)\"><td class=\"result\">[^<]*</td><td>([^<]*)</td><td class=\"mono\">([^<]*)</td>");
    private static final Pattern PROBE_LINK = Pattern.compile("href=\"(/probe\\?[^\"]+)\"");

    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    /** Answers without credentials, as module open probes. */
    static DemoDtr openDtr;
    static ExporterHarness exporter;
    static String caFile;

    @BeforeAll
    static void start() {
        caFile = SimulatedDtr.writeMockServerCa(dir).toString();
        openDtr = DemoDtr.start();
        dtr = SimulatedDtr.start(SimulatedDtr.fixedCertificate()).serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        exporter = ExporterHarness.start(dir, """
                modules:
                  open: {timeout: 2s}
                  prod:
                    basic_auth: {username: %s, password: %s}
                    allowed_targets: ["*.dtr.corp", "127.0.0.1:%d"]
                    tls_config: {ca_file: %s}
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD, dtr.port(), caFile));
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
        openDtr.close();
    }

    @Test
    void failedTargetsAreListedBeforeTheOnesThatAreUp() {
        exporter.probe(openDtr.target(), "open");
        exporter.probe(dtr.httpsTarget(), "prod");
        exporter.probe(DEAD, "open"); // the newest but one: newest first would list a success above it
        exporter.probe(openDtr.target(), "open");

        List<String> rows = new ArrayList<>();
        Matcher row = TARGET_ROW.matcher(targetsTable(exporter.get("/").body()));
        while (row.find()) {
            rows.add(row.group(1) + " " + row.group(2) + " " + row.group(3));
        }
        assertTrue(rows.contains("down open " + DEAD), rows.toString());
        assertTrue(rows.contains("up open " + openDtr.target()), rows.toString());
        assertTrue(rows.contains("up prod " + dtr.httpsTarget()), rows.toString());
        assertEquals(rows.stream().sorted(Comparator.comparing(r -> r.startsWith("up"))).toList(), rows,
                "failures first");
        assertEquals(rows.size(), rows.stream().distinct().count(), "one row per module and target: " + rows);
    }

    @Test
    void aFailedTargetsRowSaysWhichCallFailedWhyAndLinksToItsLog() {
        exporter.probe(DEAD, "open");
        String table = targetsTable(exporter.get("/").body());
        Matcher row = Pattern.compile("<tr class=\"down\">.*?" + Pattern.quote(DEAD) + ".*?</tr>").matcher(table);
        assertTrue(row.find(), table);
        assertTrue(row.group().contains("<b>cluster_status, jobs, ping, workers, imagescan, crons, version</b>: connection <span class=\"detail\">"
                + "Connect to " + DEAD), "every call failed the same way, said once: " + row.group());
        Matcher log = Pattern.compile("href=\"(/logs\\?id=\\d+)\"").matcher(row.group());
        assertTrue(log.find(), row.group());
        HttpResponse<String> text = exporter.get(log.group(1));
        assertEquals(200, text.statusCode());
        assertTrue(text.body().contains("of target " + DEAD + " with module \"open\""), text.body());
    }

    @Test
    void timesAreShownToTheMillisecond() {
        exporter.probe(openDtr.target(), "open");
        String page = exporter.get("/").body();
        Pattern millis = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        Pattern finer = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{4,}");
        assertTrue(millis.matcher(page).find(), page);
        assertFalse(finer.matcher(page).find(), page);

        Matcher log = Pattern.compile("href=\"(/logs\\?id=\\d+)\"").matcher(page);
        assertTrue(log.find());
        String text = exporter.get(log.group(1)).body();
        assertTrue(millis.matcher(text.lines().findFirst().orElseThrow()).find(), text);
        assertFalse(finer.matcher(text).find(), text);
    }

    @Test
    void theModulesTableShowsAllowedTargetsWithoutSecrets() {
        String page = exporter.get("/").body();
        assertTrue(page.contains("<th>allowed_targets</th>"), page);
        assertTrue(page.contains("<td>prod</td><td>" + SimulatedDtr.USER + "</td><td class=\"mono\">*.dtr.corp, 127.0.0.1:"
                + dtr.port() + " (https only)</td>"), page);
        assertTrue(page.contains("<td>open</td><td>-</td><td class=\"mono\">any host</td>"), page);
        assertFalse(page.contains(SimulatedDtr.PASSWORD));
    }

    @Test
    void aHostileTargetIsShownAsTextOnTheLandingPageAndInTheLogList() {
        // a URL path may hold ' and &: enough to leave a single-quoted attribute or forge an entity
        String hostile = DEAD + "/x'onmouseover='alert(1)'&lt;b&gt;";
        assertEquals(0, exporter.probe(hostile, "open").get("dtr_up"));
        String escaped = "/x&#39;onmouseover=&#39;alert(1)&#39;&amp;lt;b&amp;gt;";
        for (String path : List.of("/", "/logs")) {
            String page = exporter.get(path).body();
            assertTrue(page.contains(escaped), path + ": " + page);
            assertFalse(page.contains("'onmouseover"), path + ": " + page);
            assertFalse(page.contains("&lt;b&gt;"), path + ": the target's entity reached the page unescaped: " + page);
        }
    }

    @Test
    void theExampleLinkUsesAConfiguredModuleAndAHostItsAllowedTargetsName(@TempDir Path other) {
        // no module "default"; the first module by name lists only a wildcard, which names no host to link to
        try (ExporterHarness guarded = ExporterHarness.start(other, """
                modules:
                  a_wildcards_only:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["*.dtr.corp"]
                  prod:
                    basic_auth: {username: %1$s, password: %2$s}
                    allowed_targets: ["*.dtr.corp", "127.0.0.1:%3$d"]
                    tls_config: {ca_file: %4$s}
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD, dtr.port(), caFile))) {
            Matcher link = PROBE_LINK.matcher(guarded.get("/").body());
            assertTrue(link.find(), "no example probe link");
            String probe = link.group(1).replace("&amp;", "&");
            assertEquals(ExporterHarness.probePath(dtr.httpsTarget(), null).replace("/probe?", "/probe?module=prod&"),
                    probe);
            HttpResponse<String> answer = guarded.get(probe);
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(1, Exposition.parse(answer.body()).get("dtr_up"));
        }
    }

    @Test
    void withoutAHostToLinkToThereIsNoExampleLinkRatherThanABrokenOne(@TempDir Path other) {
        try (ExporterHarness wildcards = ExporterHarness.start(other, """
                modules:
                  prod:
                    basic_auth: {username: %s, password: %s}
                    allowed_targets: ["*.dtr.corp"]
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD))) {
            String page = wildcards.get("/").body();
            assertFalse(PROBE_LINK.matcher(page).find(), page);
            assertTrue(page.contains("/probe?module=&lt;module&gt;&amp;target=&lt;DTR URL&gt;"), page);
        }
    }

    private static String targetsTable(String page) {
        int start = page.indexOf("<table class=\"targets\">");
        assertTrue(start >= 0, "no targets table: " + page);
        return page.substring(start, page.indexOf("</table>", start));
    }
}
