package io.dtrexporter.probe;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The label sets of one probe, each made once, and each made from the ones before it. client_java
 * checks every label name of every Labels it builds from strings, with a new charset encoder each
 * time: the benchmark found that check to be 44 % of all bytes a probe allocated. Labels.merge of two
 * checked sets checks nothing again, so a set of n labels is its first n - 1 labels (made once)
 * merged with its last label (made once per probe).
 * One instance per probe: label values come from the DTR, so a longer-lived cache would grow.
 */
final class LabelSets {
    private final Map<List<String>, Labels> made = new HashMap<>();

    /** @param namesAndValues label names and values, alternating, none null */
    Labels of(String... namesAndValues) {
        if (namesAndValues.length == 0) {
            return Labels.EMPTY;
        }
        List<String> key = List.of(namesAndValues);
        Labels labels = made.get(key);
        if (labels == null) {
            int last = namesAndValues.length - 2;
            labels = last == 0 ? Labels.of(namesAndValues)
                    : of(Arrays.copyOf(namesAndValues, last)).merge(of(namesAndValues[last], namesAndValues[last + 1]));
            made.put(key, labels);
        }
        return labels;
    }
}
