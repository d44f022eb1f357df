package io.dtrexporter.metrics;

import io.dtrexporter.Version;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** The exporter's own metrics (/metrics), on a registry of their own, apart from any probe's. */
public final class ExporterMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter forbiddenTargets = Counter.builder()
            .name("dtr_exporter_forbidden_targets_total")
            .help("Probes refused because the target is not allowed for the module")
            .labelNames("module")
            .register(registry);
    private final Gauge probesInFlight = Gauge.builder()
            .name("dtr_exporter_probes_in_flight")
            .help("Probes running now")
            .register(registry);
    private final Counter refusedProbes = Counter.builder()
            .name("dtr_exporter_probes_refused_total")
            .help("Probes answered 503 because --probe.max-concurrent probes were already running")
            .register(registry);

    public ExporterMetrics() {
        JvmMetrics.builder().register(registry);
        Info.builder()
                .name("dtr_exporter_build_info")
                .help("Version of the DTR exporter; the value is always 1")
                .labelNames("version")
                .register(registry)
                .setLabelValues(Version.VERSION);
    }

    public void forbiddenTarget(String module) {
        forbiddenTargets.labelValues(module).inc();
    }

    /** Counts a probe as running until the returned handle is closed. */
    public InFlight probeStarted() {
        probesInFlight.inc();
        return probesInFlight::dec;
    }

    /** A running probe; closing it ends it. */
    @FunctionalInterface
    public interface InFlight extends AutoCloseable {
        @Override
        void close();
    }

    public void refusedProbe() {
        refusedProbes.inc();
    }

    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
