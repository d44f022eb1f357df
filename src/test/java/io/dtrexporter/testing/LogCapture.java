package io.dtrexporter.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the log records of a logger (and those below it) while open. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Predicate<LogRecord> wanted;
    private final List<LogRecord> records = new ArrayList<>();

    private LogCapture(Logger logger, Predicate<LogRecord> wanted) {
        this.logger = logger;
        this.wanted = wanted;
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    public static LogCapture of(String loggerName, Predicate<LogRecord> wanted) {
        return new LogCapture(Logger.getLogger(loggerName), wanted);
    }

    public static LogCapture atLeast(Level level, Class<?> source) {
        return of(source.getName(), record -> record.getLevel().intValue() >= level.intValue());
    }

    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (wanted.test(record)) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
