package io.dtrexporter.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keys and values that a log line carries as fields of their own (logfmt keys, JSON keys), next to
 * a short fixed {@code msg}, so that Loki or ELK can filter on them. Travels as the record's only
 * parameter; the formatters write it.
 *
 * @param fields in the order they are written
 */
public record LogFields(Map<String, String> fields) {
    public LogFields {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** @param keysAndValues keys and values, alternating; a null value is written as "" */
    public static LogFields of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put(keysAndValues[i], keysAndValues[i + 1] == null ? "" : keysAndValues[i + 1]);
        }
        return new LogFields(fields);
    }

    /** Logs {@code message} with these fields, if the logger logs {@code level} at all. */
    public void log(Logger logger, Level level, String message) {
        if (!logger.isLoggable(level)) {
            return;
        }
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(logger.getName());
        record.setParameters(new Object[] {this});
        logger.log(record);
    }

    /** The fields a record carries, empty for a record logged without them. */
    public static Map<String, String> of(LogRecord record) {
        Object[] parameters = record.getParameters();
        return parameters != null && parameters.length == 1 && parameters[0] instanceof LogFields fields
                ? fields.fields() : Map.of();
    }
}
