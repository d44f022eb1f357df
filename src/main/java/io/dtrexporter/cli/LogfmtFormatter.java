package io.dtrexporter.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import io.dtrexporter.logging.LogFields;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One logfmt line per record, as Prometheus' own tools write them: {@code ts=... level=info msg="..."},
 * then the record's {@link LogFields} as keys of their own.
 */
final class LogfmtFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append("ts=").append(Instant.ofEpochMilli(record.getMillis()))
                .append(" level=").append(level(record.getLevel()))
                .append(" caller=").append(shortName(record.getLoggerName()))
                .append(" msg=").append(quote(message(this, record)));
        for (Map.Entry<String, String> field : LogFields.of(record).entrySet()) {
            line.append(' ').append(field.getKey()).append('=').append(value(field.getValue()));
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(" err=").append(quote(trace.toString()));
        }
        return line.append('\n').toString();
    }

    static String level(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "warn";
        }
        return level.intValue() >= Level.INFO.intValue() ? "info" : "debug";
    }

    static String shortName(String logger) {
        return logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1);
    }

    /** A record with fields has a fixed message: not run through MessageFormat with the fields as its argument. */
    static String message(Formatter formatter, LogRecord record) {
        return LogFields.of(record).isEmpty() ? formatter.formatMessage(record) : String.valueOf(record.getMessage());
    }

    /**
     * Bare when it can be, as go-logfmt writes values; quoted when a space, '=', '"' or a control
     * character would break the field or the line.
     */
    static String value(String text) {
        if (text.isEmpty()) {
            return "\"\"";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == '=' || c == '"' || c == '\\' || Character.isISOControl(c)) {
                return quote(text);
            }
        }
        return text;
    }

    /** Quoted, so that no value can end its field or its line early (a newline would fake a second line). */
    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
