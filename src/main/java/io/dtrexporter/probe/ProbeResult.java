package io.dtrexporter.probe;

import io.dtrexporter.dtr.ApiResult;
import java.time.Duration;
import java.util.List;

/**
 * Everything one probe learned.
 *
 * @param calls    the outcome of each call the module makes, in {@link ApiCalls#ALL}'s order
 * @param timeout  the deadline the probe had
 */
public record ProbeResult(List<ApiResult<?>> calls, Duration duration, Duration timeout) {
    public ProbeResult {
        calls = List.copyOf(calls);
    }

    /** The DTR is up when every call made succeeded. */
    public boolean up() {
        return calls.stream().allMatch(ApiResult::succeeded);
    }
}
