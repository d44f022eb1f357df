package io.dtrexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.logging.LogFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A failed probe's line: msg "probe failed" and module, target, api, reason and log as fields of their
 * own, in logfmt and in JSON, escaped so that no value can end its field or its line.
 */
class LogFieldsFormatTest {
    private static final LogFields PROBE_FAILED = LogFields.of("module", "default", "target", "https://dtr.example.com",
            "api", "cluster_status,jobs", "reason", "unauthorized,timeout", "log", "/logs?id=17");

    @Test
    void logfmtWritesEachFieldAsItsOwnKey() {
        String line = new LogfmtFormatter().format(record("probe failed", PROBE_FAILED));
        assertTrue(line.matches("ts=\\S+ level=warn caller=ProbeHandler msg=\"probe failed\" module=default"
                + " target=https://dtr.example.com api=cluster_status,jobs reason=unauthorized,timeout"
                + " log=\"/logs\\?id=17\"\n"), line);
    }

    @Test
    void jsonWritesEachFieldAsItsOwnKey() throws IOException {
        JsonNode line = new JsonMapper().readTree(new JsonLogFormatter().format(record("probe failed", PROBE_FAILED)));
        List<String> keys = new ArrayList<>();
        line.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("ts", "level", "caller", "msg", "module", "target", "api", "reason", "log"), keys);
        assertEquals("probe failed", line.path("msg").asText());
        assertEquals("warn", line.path("level").asText());
        assertEquals("default", line.path("module").asText());
        assertEquals("https://dtr.example.com", line.path("target").asText());
        assertEquals("cluster_status,jobs", line.path("api").asText());
        assertEquals("unauthorized,timeout", line.path("reason").asText());
        assertEquals("/logs?id=17", line.path("log").asText());
    }

    /** A module name is the config's, which a person wrote: quotes, spaces and newlines must stay inside it. */
    private static final String HOSTILE = "prod \"eu\"\nts=0 level=error msg=fake\r\ttab\u0007";

    @Test
    void logfmtEscapesQuotesNewlinesAndControlCharacters() {
        String line = new LogfmtFormatter().format(record("probe failed", LogFields.of("module", HOSTILE, "empty", "")));
        assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
        assertFalse(line.contains("\r") || line.contains("\t") || line.contains("\u0007"), line);
        assertTrue(line.endsWith(" module=\"prod \\\"eu\\\"\\nts=0 level=error msg=fake\\r\\ttab\\u0007\" empty=\"\"\n"),
                line);
    }

    @Test
    void jsonEscapesQuotesNewlinesAndControlCharacters() throws IOException {
        String text = new JsonLogFormatter().format(record("probe failed", LogFields.of("module", HOSTILE)));
        assertEquals(1, text.split("\n", -1).length - 1, "one line: " + text);
        assertEquals(HOSTILE, new JsonMapper().readTree(text).path("module").asText());
    }

    @Test
    void aFieldCannotReplaceTheLinesOwnKeys() throws IOException {
        JsonNode line = new JsonMapper().readTree(new JsonLogFormatter().format(
                record("probe failed", LogFields.of("msg", "other", "level", "debug"))));
        assertEquals("probe failed", line.path("msg").asText());
        assertEquals("warn", line.path("level").asText());
    }

    @Test
    void theMessageOfARecordWithFieldsIsNotAFormatPattern() {
        String line = new LogfmtFormatter().format(record("probe {0} failed", LogFields.of("module", "m")));
        assertTrue(line.contains(" msg=\"probe {0} failed\" module=m"), line);
    }

    @Test
    void fieldsGoThroughALoggerToItsHandlers() {
        Logger logger = Logger.getLogger("io.dtrexporter.web.LogFieldsFormatTest");
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(new LogfmtFormatter().format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            PROBE_FAILED.log(logger, Level.WARNING, "probe failed");
            PROBE_FAILED.log(logger, Level.FINEST, "not logged at this level");
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" caller=LogFieldsFormatTest msg=\"probe failed\" module=default "), lines.get(0));
    }

    private static LogRecord record(String message, LogFields fields) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setLoggerName("io.dtrexporter.web.ProbeHandler");
        record.setParameters(new Object[] {fields});
        return record;
    }
}
