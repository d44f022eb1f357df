package io.dtrexporter.metrics;

import io.dtrexporter.Version;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.hc.core5.pool.PoolStats;

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
    private final Counter probes = Counter.builder()
            .name("dtr_exporter_probes_total")
            .help("Probes run, by module and result (success: every DTR call succeeded)")
            .labelNames("module", "result")
            .register(registry);
    private final Histogram probeDuration = Histogram.builder()
            .name("dtr_exporter_probe_duration_seconds")
            .help("How long probes took")
            .labelNames("module")
            .classicOnly()
            .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
    private final Counter unknownModules = Counter.builder()
            .name("dtr_exporter_unknown_module_requests_total")
            .help("Probe requests that named a module the configuration does not have")
            .register(registry);
    private final Gauge lastReloadSuccessful = Gauge.builder()
            .name("dtr_exporter_config_last_reload_successful")
            .help("1 when the last load of the configuration file succeeded")
            .register(registry);
    private final Gauge lastReloadSuccess = Gauge.builder()
            .name("dtr_exporter_config_last_reload_success_timestamp_seconds")
            .help("When the configuration was last loaded successfully, in seconds since the epoch")
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

    /** Pool figures of each module's connection pool, read at every scrape. */
    public void watchPools(Supplier<Map<String, PoolStats>> pools) {
        pool("leased", "Connections of the module's pool in use by probes", pools, PoolStats::getLeased);
        pool("available", "Idle kept-alive connections of the module's pool", pools, PoolStats::getAvailable);
        pool("pending", "Probe calls waiting for a connection of the module's pool", pools, PoolStats::getPending);
    }

    private void pool(String what, String help, Supplier<Map<String, PoolStats>> pools,
                      ToIntFunction<PoolStats> figure) {
        GaugeWithCallback.builder()
                .name("dtr_exporter_pool_" + what + "_connections")
                .help(help)
                .labelNames("module")
                .callback(callback -> pools.get().forEach((module, stats) ->
                        callback.call(figure.applyAsInt(stats), module)))
                .register(registry);
    }

    public void probeDone(String module, boolean success, double seconds) {
        probes.labelValues(module, success ? "success" : "failure").inc();
        probeDuration.labelValues(module).observe(seconds);
    }

    public void unknownModule() {
        unknownModules.inc();
    }

    public void configLoaded(boolean success) {
        lastReloadSuccessful.set(success ? 1 : 0);
        if (success) {
            lastReloadSuccess.set(System.currentTimeMillis() / 1000.0);
        }
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
