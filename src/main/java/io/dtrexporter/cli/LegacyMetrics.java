package io.dtrexporter.cli;

import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.metrics.ExporterMetrics;
import io.dtrexporter.probe.ProbeMetrics;
import io.dtrexporter.probe.ProbeModules;
import io.dtrexporter.probe.ProbeResult;
import io.dtrexporter.probe.Prober;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;

/**
 * /metrics as the old exporter served it: a probe of its one DTR on every scrape, next to the
 * exporter's own metrics, so that an existing Prometheus job and dashboard keep working.
 */
final class LegacyMetrics {
    private LegacyMetrics() {
    }

    /** Runs on a worker thread of /metrics, which waits for the probe: the old exporter had one DTR. */
    static MetricSnapshots scrape(LegacyTarget legacy, ProbeModules modules, ExporterMetrics own) {
        ProbeModules.Module module = modules.module(ExporterConfig.DEFAULT_MODULE).orElseThrow();
        ProbeResult result = Prober.probe(Target.parse(legacy.target()), module, module.config().timeout(),
                System.nanoTime()).join();
        own.probeDone(module.config().name(), result.up(), result.duration().toNanos() / 1e9);
        List<MetricSnapshot> all = new ArrayList<>();
        ProbeMetrics.of(result).forEach(all::add);
        own.scrape().forEach(all::add);
        return new MetricSnapshots(all);
    }
}
