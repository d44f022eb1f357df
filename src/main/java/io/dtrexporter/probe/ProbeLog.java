package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What one probe did, for a person: every request (method, URL without credentials, status,
 * duration, bytes), how its body fared, and the verdict.
 *
 * @param failedCalls the calls that failed, in the order they were made: what a glance at / shows
 */
public record ProbeLog(long id, Instant time, String module, String target, boolean success, Duration duration,
                       List<FailedCall> failedCalls, List<String> lines) {
    /**
     * Always three decimals, so that times line up in a column and compare with the logs' ts=; the
     * clock's microseconds help nobody reading them.
     */
    private static final DateTimeFormatter MILLISECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** One failed call: its {@code api} label, its {@code reason} label, and the detail for a person. */
    public record FailedCall(String api, String reason, String detail) {
    }

    public ProbeLog {
        failedCalls = List.copyOf(failedCalls);
        lines = List.copyOf(lines);
    }

    public static ProbeLog of(long id, Instant time, ModuleConfig module, Target target, ProbeResult result) {
        List<String> lines = new ArrayList<>();
        lines.add("probe " + id + " of target " + target + " with module \"" + module.name() + "\" at " + timestamp(time)
                + ", deadline " + seconds(result.timeout()));
        for (ApiResult<?> call : result.calls()) {
            StringBuilder line = new StringBuilder("GET ")
                    .append(target.resolve(call.call().pathAndQuery().apply(module)));
            if (call.reusedFrom().isPresent()) {
                lines.add(line.append(" not made: the answer of ").append(timestamp(call.reusedFrom().get()))
                        .append(" is reused (fetched at most every ").append(call.call().reusedFor().toMinutes())
                        .append(" minutes)").toString());
                continue;
            }
            line.append(" -> ").append(call.statusCode() == 0 ? "no response" : "HTTP " + call.statusCode())
                    .append(" in ").append(seconds(call.duration()));
            if (call.bodyBytes() != ApiResult.NOT_READ) {
                line.append(", ").append(call.bodyBytes()).append(" bytes read");
            }
            line.append(call.failure().map(f -> ": failed, " + f.reason().label() + ": " + f.detail()).orElse(": parsed"));
            lines.add(line.toString());
        }
        lines.add((result.up() ? "success" : "failure") + ": dtr_up " + (result.up() ? 1 : 0) + " after "
                + seconds(result.duration()));
        List<FailedCall> failed = result.calls().stream().filter(call -> call.failure().isPresent())
                .map(call -> new FailedCall(call.api(), call.failure().get().reason().label(),
                        call.failure().get().detail()))
                .toList();
        return new ProbeLog(id, time, module.name(), target.toString(), result.up(), result.duration(), failed, lines);
    }

    /** When the probe ended, e.g. {@code 2025-03-01T09:15:02.481Z}. */
    public String timestamp() {
        return timestamp(time);
    }

    public String text() {
        return String.join("\n", lines) + "\n";
    }

    /** As "%.3f s" would write it, without a Formatter per probe (the benchmark saw 2 % of its CPU there). */
    public static String seconds(Duration duration) {
        long millis = Math.round(Math.max(0, duration.toNanos()) / 1e6);
        return millis / 1000 + "." + Long.toString(1000 + millis % 1000).substring(1) + " s";
    }

    private static String timestamp(Instant time) {
        return MILLISECONDS.format(time);
    }
}
