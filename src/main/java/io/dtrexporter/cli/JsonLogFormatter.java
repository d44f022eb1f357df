package io.dtrexporter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.logging.LogFields;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** --log.format=json: one JSON object per line, with the keys of the logfmt format, the record's fields included. */
final class JsonLogFormatter extends Formatter {
    private static final JsonMapper JSON = new JsonMapper();

    @Override
    public String format(LogRecord record) {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("ts", Instant.ofEpochMilli(record.getMillis()).toString());
        line.put("level", LogfmtFormatter.level(record.getLevel()));
        line.put("caller", LogfmtFormatter.shortName(record.getLoggerName()));
        line.put("msg", LogfmtFormatter.message(this, record));
        LogFields.of(record).forEach(line::putIfAbsent); // a field never hides ts, level, caller or msg
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("err", trace.toString());
        }
        try {
            return JSON.writeValueAsString(line) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always writes", e);
        }
    }
}
