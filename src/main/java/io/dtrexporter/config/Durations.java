package io.dtrexporter.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus-style durations: {@code 500ms}, {@code 10s}, {@code 1m30s}, {@code 1.5s}, {@code 2h}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            return Optional.empty();
        }
        double nanos = 0;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            nanos += Double.parseDouble(part.group(1)) * nanosPer(part.group(2));
        }
        return Optional.of(Duration.ofNanos(Math.round(nanos)));
    }

    /** The shortest spelling in the same style, for display: 10s, 500ms, 1m30s. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = duration.toHours();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            out.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            out.append(duration.toSecondsPart()).append('s');
        }
        int nanosOfSecond = duration.toNanosPart();
        if (nanosOfSecond > 0) {
            // whole milliseconds as "500ms", finer ones as "0.5ms" rather than dropping them
            out.append(BigDecimal.valueOf(nanosOfSecond, 6).stripTrailingZeros().toPlainString()).append("ms");
        }
        return out.toString();
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
