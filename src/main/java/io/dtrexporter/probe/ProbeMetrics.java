package io.dtrexporter.probe;

import io.dtrexporter.dtr.ApiResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of one probe, built fresh for each request: the probe's own outcome, each API call's
 * outcome, and the DTR's figures from every call that succeeded. Pure: testable without a socket.
 */
public final class ProbeMetrics {
    private ProbeMetrics() {
    }

    public static MetricSnapshots of(ProbeResult result) {
        List<MetricSnapshot> out = new ArrayList<>(40);
        Family.gauge("dtr_up", "Whether the DTR scrape was successful (every API call succeeded)")
                .add(result.up()).addTo(out);
        Family.gauge("dtr_scrape_latency", "Latency of collecting scrape, in seconds")
                .add(seconds(result.duration())).addTo(out);
        Family.gauge("dtr_probe_timeout_seconds", "The deadline of this probe: the module's timeout, or less"
                + " when Prometheus' scrape timeout is shorter").add(seconds(result.timeout())).addTo(out);
        apiMetrics(result.calls(), out);
        Family.gauge("dtr_tls_cert_not_after_timestamp_seconds", "The earliest expiry in the certificate chain"
                + " the DTR presented, in seconds since the epoch (https targets)")
                .add(result.calls().stream().flatMap(call -> call.certificateNotAfter().stream())
                        .min(Instant::compareTo).map(time -> time.getEpochSecond() + 0.0).orElse(null))
                .addTo(out);
        for (ApiResult<?> call : result.calls()) {
            addBodyMetrics(call, out);
        }
        return new MetricSnapshots(out);
    }

    /** The metrics in Prometheus' text format, for a person reading a debug answer. */
    public static String text(ProbeResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, of(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static <T> void addBodyMetrics(ApiResult<T> result, List<MetricSnapshot> out) {
        result.body().ifPresent(body -> result.call().metrics().accept(body, out));
    }

    private static void apiMetrics(List<ApiResult<?>> calls, List<MetricSnapshot> out) {
        Family up = Family.gauge("dtr_api_up", "1 when the DTR API call succeeded");
        Family duration = Family.gauge("dtr_api_duration_seconds", "How long the DTR API call took");
        Family status = Family.gauge("dtr_api_status_code", "HTTP status of the DTR API call, 0 when no response");
        Family error = Family.gauge("dtr_api_error_info", "Why the DTR API call failed, as the reason label");
        for (ApiResult<?> call : calls) {
            String api = call.api();
            up.add(call.succeeded(), "api", api);
            duration.add(seconds(call.duration()), "api", api);
            status.add((double) call.statusCode(), "api", api);
            call.failure().ifPresent(failure -> error.add(1.0, "api", api, "reason", failure.reason().label()));
        }
        for (Family family : List.of(up, duration, status, error)) {
            family.addTo(out);
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
