package io.dtrexporter.probe;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects the samples of one metric family. A null value (a figure the DTR did not report) adds no
 * sample: a missing number is never exported as 0. A label set seen twice keeps its first value, so
 * a DTR that repeats a row cannot break the scrape.
 */
final class Family {
    private enum Type { GAUGE, COUNTER }

    /**
     * Metadata by metric name, made once: client_java checks the name each time it makes one. The
     * names and help texts are this code's constants, so the map holds a few dozen entries.
     */
    private static final Map<String, MetricMetadata> METADATA = new ConcurrentHashMap<>();

    private final Type type;
    private final String name;
    private final String help;
    private final Map<Labels, Double> samples = new LinkedHashMap<>();
    private final LabelSets labelSets;

    private Family(Type type, String name, String help, LabelSets labelSets) {
        this.type = type;
        this.name = name;
        this.help = help;
        this.labelSets = labelSets;
    }

    static Family gauge(String name, String help) {
        return gauge(name, help, new LabelSets());
    }

    /** A gauge whose label sets come from {@code labelSets}, shared with the probe's other families. */
    static Family gauge(String name, String help, LabelSets labelSets) {
        return new Family(Type.GAUGE, name, help, labelSets);
    }

    /** {@code name} without the {@code _total} suffix, which the exposition formats add. */
    static Family counter(String name, String help, LabelSets labelSets) {
        return new Family(Type.COUNTER, name, help, labelSets);
    }

    /** @param labels label names and values, alternating */
    Family add(Double value, String... labels) {
        // client_java refuses a negative counter with an exception, which would fail the whole scrape
        // over one nonsensical total; like a missing figure, it gets no sample
        if (value == null || (type == Type.COUNTER && value < 0)) {
            return this;
        }
        for (int i = 1; i < labels.length; i += 2) {
            labels[i] = labels[i] == null ? "" : wellFormed(labels[i]); // a row without db or table still counts
        }
        samples.putIfAbsent(labelSets.of(labels), value);
        return this;
    }

    /**
     * A JSON escape can put a lone surrogate in a string (a server name with the escape for U+D800);
     * the writers encode each as "?", so two replicas differing only there would be one series given
     * twice. Replaced here, before label sets are compared, they become one series and the first stays.
     */
    private static String wellFormed(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                return replaceLoneSurrogates(value);
            }
        }
        return value;
    }

    private static String replaceLoneSurrogates(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    Family add(boolean value, String... labels) {
        return add(value ? 1.0 : 0.0, labels);
    }

    /** Adds this family to {@code out} when it has samples. */
    void addTo(List<MetricSnapshot> out) {
        if (samples.isEmpty()) {
            return;
        }
        // the constructors the builders call, without a builder per sample; no exemplar, no timestamps
        MetricMetadata metadata = METADATA.computeIfAbsent(name, key -> new MetricMetadata(name, help));
        if (!Objects.equals(metadata.getHelp(), help)) { // one name, two help texts: a bug, but not a wrong HELP
            metadata = new MetricMetadata(name, help);
        }
        if (type == Type.GAUGE) {
            List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>(samples.size());
            samples.forEach((labels, value) -> points.add(new GaugeSnapshot.GaugeDataPointSnapshot(value, labels, null)));
            out.add(new GaugeSnapshot(metadata, points));
        } else {
            List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>(samples.size());
            samples.forEach((labels, value) -> points.add(
                    new CounterSnapshot.CounterDataPointSnapshot(value, labels, null, 0L)));
            out.add(new CounterSnapshot(metadata, points));
        }
    }
}
