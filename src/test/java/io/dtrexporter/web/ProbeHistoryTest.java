package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.DemoDtr;
import io.dtrexporter.logging.LogFields;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.LogCapture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeing what happened: the targets on /, the kept logs on /logs, one probe's log, debug=true, /config. */
class ProbeHistoryTest {
    private static final String PASSWORD = "history-Secret-9";
    @TempDir
    static Path dir;
    static DemoDtr dtr;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        dtr = DemoDtr.start();
        exporter = ExporterHarness.start(dir, """
                modules:
                  open: {timeout: 2s}
                  guarded:
                    basic_auth: {username: monitor, password: %s}
                    allowed_targets: [127.0.0.1]
                    allow_plain_http: true
                """.formatted(PASSWORD), "--history.limit=3");
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    @Test
    void aFailedProbeStaysListedAndItsLogSaysWhatWasAskedAndWhatCameBack() {
        String dead = "http://127.0.0.1:1";
        HttpResponse<String> failed;
        try (LogCapture warnings = LogCapture.atLeast(Level.WARNING, ProbeHandler.class)) {
            failed = exporter.get(ExporterHarness.probePath(dead, "open"));
            assertEquals(1, warnings.records().size());
            LogRecord line = warnings.records().get(0);
            assertEquals("probe failed", line.getMessage());
            Map<String, String> fields = LogFields.of(line);
            assertEquals(List.of("module", "target", "api", "reason", "log"), List.copyOf(fields.keySet()));
            assertEquals("open", fields.get("module"));
            assertEquals(dead, fields.get("target"));
            assertEquals("cluster_status,jobs,ping,workers,imagescan,crons,version", fields.get("api"));
            assertEquals("connection,connection,connection,connection,connection,connection,connection",
                    fields.get("reason"));
            assertTrue(fields.get("log").matches("/logs\\?id=\\d+"), fields.get("log"));
        }
        assertEquals(200, failed.statusCode());
        for (int i = 0; i < 5; i++) { // a flood of successes...
            exporter.probe(dtr.target(), "open");
        }
        String logs = exporter.get("/logs").body();
        Matcher failure = Pattern.compile("<tr class=\"down\"><td><a href=\"/logs\\?id=(\\d+)\">.*?<td class=\"mono\">"
                + Pattern.quote(dead) + "</td>").matcher(logs);
        assertTrue(failure.find(), "...does not push the failure out: " + logs);
        String page = exporter.get("/").body();
        assertTrue(page.contains("<td class=\"mono\">" + dead + "</td>"), "nor its row off /: " + page);

        HttpResponse<String> log = exporter.get("/logs?id=" + failure.group(1));
        assertEquals(200, log.statusCode());
        assertTrue(log.body().contains("GET http://127.0.0.1:1/api/v0/meta/cluster_status -> no response in "),
                log.body());
        assertTrue(log.body().contains(": failed, connection: "), log.body());
        assertTrue(log.body().contains("failure: dtr_up 0"), log.body());
    }

    @Test
    void aSuccessfulProbesLogCountsTheBytesOfEachAnswer() {
        exporter.probe(dtr.target(), "open");
        String page = exporter.get("/").body();
        Matcher link = Pattern.compile("href=\"/logs\\?id=(\\d+)\"").matcher(page);
        assertTrue(link.find());
        String log = exporter.get("/logs?id=" + link.group(1)).body();
        assertTrue(log.matches("(?s).*GET " + Pattern.quote(dtr.target()) + ":?\\d*/api/v0/jobs\\?action=any&worker=any"
                + "&running=any&start=0&limit=100 -> HTTP 200 in \\d+\\.\\d{3} s, \\d+ bytes read: parsed.*"), log);
    }

    @Test
    void anUnknownLogIs404() {
        assertEquals(404, exporter.get("/logs?id=999999").statusCode());
        assertEquals(404, exporter.get("/logs?id=abc").statusCode());
    }

    @Test
    void logsWithoutAnIdListsTheKeptLogsNewestFirstEachLinkAnswering() {
        exporter.probe(dtr.target(), "open");
        exporter.get(ExporterHarness.probePath("http://127.0.0.1:1", "open"));
        HttpResponse<String> list = exporter.get("/logs");
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        Matcher row = Pattern.compile("<tr class=\"(up|down)\"><td><a href=\"(/logs\\?id=(\\d+))\">.*?</td><td"
                + " class=\"num\">([^<]+)</td><td>([^<]+)</td><td class=\"mono\">([^<]+)</td><td class=\"result\">"
                + "(up|down)</td>").matcher(list.body());
        List<Long> ids = new ArrayList<>();
        while (row.find()) {
            ids.add(Long.parseLong(row.group(3)));
            HttpResponse<String> log = exporter.get(row.group(2));
            assertEquals(200, log.statusCode(), row.group(2));
            assertTrue(log.body().startsWith("probe " + row.group(3) + " of target " + row.group(6) + " with module \""
                    + row.group(5) + "\" at " + row.group(4) + ","), log.body());
            assertTrue(log.body().contains(row.group(1).equals("up") ? "success: dtr_up 1" : "failure: dtr_up 0"));
        }
        assertTrue(ids.size() >= 2, list.body());
        List<Long> newestFirst = new ArrayList<>(ids);
        newestFirst.sort(Comparator.reverseOrder());
        assertEquals(newestFirst, ids);
        assertEquals("http://127.0.0.1:1", listedTarget(list.body()), "the newest first");
    }

    private static String listedTarget(String logs) {
        Matcher target = Pattern.compile("<td class=\"mono\">([^<]+)</td>").matcher(logs);
        assertTrue(target.find(), logs);
        return target.group(1);
    }

    @Test
    void debugShowsTheLogTheMetricsAndTheModuleWithoutItsSecret() {
        HttpResponse<String> debug = exporter.get(ExporterHarness.probePath(dtr.target(), "guarded") + "&debug=true");
        assertEquals(200, debug.statusCode());
        assertTrue(debug.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        String[] parts = debug.body().split("\n\n", 3);
        assertTrue(parts[0].startsWith("probe "), parts[0]);
        assertEquals(1, Exposition.parse(parts[1]).get("dtr_up"));
        assertTrue(parts[2].contains("guarded:") && parts[2].contains("password: <secret>"), parts[2]);
        assertFalse(debug.body().contains(PASSWORD));
    }

    @Test
    void configShowsEveryModuleAndNoSecret() {
        HttpResponse<String> config = exporter.get("/config");
        assertEquals(200, config.statusCode());
        assertTrue(config.body().startsWith("modules:"), config.body());
        assertTrue(config.body().contains("  guarded:\n    basic_auth:\n      username: monitor\n      password: <secret>"),
                config.body());
        assertTrue(config.body().contains("  open:"));
        assertFalse(config.body().contains(PASSWORD));
    }
}
