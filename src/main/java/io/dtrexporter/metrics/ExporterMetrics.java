package io.dtrexporter.metrics;

import io.dtrexporter.Version;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** The exporter's own metrics (/metrics), on a registry of their own, apart from any probe's. */
public final class ExporterMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    public ExporterMetrics() {
        JvmMetrics.builder().register(registry);
        Info.builder()
                .name("dtr_exporter_build_info")
                .help("Version of the DTR exporter; the value is always 1")
                .labelNames("version")
                .register(registry)
                .setLabelValues(Version.VERSION);
    }

    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
