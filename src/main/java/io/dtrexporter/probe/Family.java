package io.dtrexporter.probe;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the samples of one metric family. A null value (a figure the DTR did not report) adds no
 * sample: a missing number is never exported as 0. A label set seen twice keeps its first value, so
 * a DTR that repeats a row cannot break the scrape.
 */
final class Family {
    private enum Type { GAUGE, COUNTER }

    private final Type type;
    private final String name;
    private final String help;
    private final Map<Labels, Double> samples = new LinkedHashMap<>();

    private Family(Type type, String name, String help) {
        this.type = type;
        this.name = name;
        this.help = help;
    }

    static Family gauge(String name, String help) {
        return new Family(Type.GAUGE, name, help);
    }

    /** {@code name} without the {@code _total} suffix, which the exposition formats add. */
    static Family counter(String name, String help) {
        return new Family(Type.COUNTER, name, help);
    }

    /** @param labels label names and values, alternating */
    Family add(Double value, String... labels) {
        if (value != null) {
            for (int i = 1; i < labels.length; i += 2) {
                labels[i] = labels[i] == null ? "" : labels[i]; // a row without db or table still counts
            }
            samples.putIfAbsent(Labels.of(labels), value);
        }
        return this;
    }

    Family add(boolean value, String... labels) {
        return add(value ? 1.0 : 0.0, labels);
    }

    /** Adds this family to {@code out} when it has samples. */
    void addTo(List<MetricSnapshot> out) {
        if (samples.isEmpty()) {
            return;
        }
        if (type == Type.GAUGE) {
            GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
            samples.forEach((labels, value) -> builder.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build()));
            out.add(builder.build());
        } else {
            CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
            samples.forEach((labels, value) -> builder.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build()));
            out.add(builder.build());
        }
    }
}
