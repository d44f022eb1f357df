package io.dtrexporter.probe;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.HashMap;
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
    private final Map<Key, Labels> made = new HashMap<>();
    /** Reused for every lookup (a probe maps on one thread): a probe looks up a set per sample. */
    private final Key lookup = new Key();

    /** @param namesAndValues label names and values, alternating, none null; not kept */
    Labels of(String... namesAndValues) {
        return of(namesAndValues, namesAndValues.length);
    }

    /** The set of the first {@code length} entries of {@code namesAndValues}. */
    private Labels of(String[] namesAndValues, int length) {
        if (length == 0) {
            return Labels.EMPTY;
        }
        if (length % 2 != 0) { // as Labels.of says it; the prefix recursion below would never end
            throw new IllegalArgumentException("label names and values must alternate; got " + length + " strings");
        }
        Labels labels = made.get(lookup.of(namesAndValues, length));
        if (labels == null) {
            int last = length - 2;
            labels = last == 0 ? Labels.of(namesAndValues[0], namesAndValues[1])
                    : of(namesAndValues, last).merge(of(new String[] {namesAndValues[last], namesAndValues[last + 1]}, 2));
            made.put(new Key().of(Arrays.copyOf(namesAndValues, length), length), labels);
        }
        return labels;
    }

    /**
     * A prefix of a names-and-values array, compared by content. The lookup key points at the
     * caller's array; a stored key owns a copy, since the caller may reuse its array.
     */
    private static final class Key {
        private String[] namesAndValues;
        private int length;
        private int hash;

        Key of(String[] namesAndValues, int length) {
            this.namesAndValues = namesAndValues;
            this.length = length;
            int h = length;
            for (int i = 0; i < length; i++) {
                h = 31 * h + namesAndValues[i].hashCode();
            }
            this.hash = h;
            return this;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.length == length
                    && Arrays.equals(namesAndValues, 0, length, key.namesAndValues, 0, length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
