package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.Test;

/** LabelSets builds by merging prefixes: what it gives must be what Labels.of gives. */
class LabelSetsTest {
    @Test
    void mergedSetsEqualTheSetsLabelsOfMakes() {
        LabelSets sets = new LabelSets();
        String[][] cases = {
                {"replica", "r1"},
                {"db", "dtr2", "table", "blobs", "replica", "r1", "operation", "read"},
                {"table", "b", "db", "a"}, // names out of order: Labels sorts them
                {"db", "a\"b\\c\nd", "table", "ünïcode"},
                {},
        };
        for (String[] namesAndValues : cases) {
            Labels made = sets.of(namesAndValues.clone());
            assertEquals(Labels.of(namesAndValues), made);
            assertSame(made, sets.of(namesAndValues.clone()), "a set is made once per probe");
        }
    }

    @Test
    void aCallersArrayChangedAfterwardsDoesNotChangeWhatWasMade() {
        LabelSets sets = new LabelSets();
        String[] labels = {"db", "a", "table", "t"};
        Labels first = sets.of(labels);
        labels[1] = "b";
        assertEquals(Labels.of("db", "a", "table", "t"), sets.of("db", "a", "table", "t"));
        assertSame(first, sets.of("db", "a", "table", "t"));
        assertEquals(Labels.of("db", "b", "table", "t"), sets.of(labels));
    }

    @Test
    void namesWithoutValuesAreRefusedAsLabelsOfRefusesThem() {
        // before the fix this recursed until the stack overflowed
        assertThrows(IllegalArgumentException.class, () -> new LabelSets().of("db", "a", "table"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("db", "a", "table"));
    }

    @Test
    void aNameGivenTwiceIsRefusedAsLabelsOfRefusesIt() {
        assertThrows(IllegalArgumentException.class, () -> new LabelSets().of("db", "a", "db", "b"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("db", "a", "db", "b"));
    }
}
