package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one probe did, for a person: every request (method, URL without credentials, status,
 * duration, bytes), how its body fared, and the verdict.
 */
public record ProbeLog(long id, Instant time, String module, String target, boolean success, Duration duration,
                       List<String> lines) {

    public ProbeLog {
        lines = List.copyOf(lines);
    }

    public static ProbeLog of(long id, Instant time, ModuleConfig module, Target target, ProbeResult result) {
        List<String> lines = new ArrayList<>();
        lines.add("probe " + id + " of target " + target + " with module \"" + module.name() + "\" at " + time
                + ", deadline " + seconds(result.timeout()));
        for (ApiResult<?> call : result.calls()) {
            StringBuilder line = new StringBuilder("GET ")
                    .append(target.resolve(call.call().pathAndQuery().apply(module)))
                    .append(" -> ").append(call.statusCode() == 0 ? "no response" : "HTTP " + call.statusCode())
                    .append(" in ").append(seconds(call.duration()));
            if (call.bodyBytes() != ApiResult.NOT_READ) {
                line.append(", ").append(call.bodyBytes()).append(" bytes read");
            }
            line.append(call.failure().map(f -> ": failed, " + f.reason().label() + ": " + f.detail()).orElse(": parsed"));
            lines.add(line.toString());
        }
        lines.add((result.up() ? "success" : "failure") + ": dtr_up " + (result.up() ? 1 : 0) + " after "
                + seconds(result.duration()));
        return new ProbeLog(id, time, module.name(), target.toString(), result.up(), result.duration(), lines);
    }

    public String text() {
        return String.join("\n", lines) + "\n";
    }

    /** As "%.3f s" would write it, without a Formatter per probe (the benchmark saw 2 % of its CPU there). */
    static String seconds(Duration duration) {
        long millis = Math.round(Math.max(0, duration.toNanos()) / 1e6);
        return millis / 1000 + "." + Long.toString(1000 + millis % 1000).substring(1) + " s";
    }
}
