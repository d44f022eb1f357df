package io.dtrexporter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Prometheus-style durations as exporter.yml's timeout takes them, and as the landing page shows them. */
class DurationsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "500ms,  PT0.5S",
            "10s,    PT10S",
            "1m,     PT1M",
            "2h,     PT2H",
            "1d,     PT24H",
            "1m30s,  PT1M30S",
            "1.5s,   PT1.5S",
            "0.5ms,  PT0.0005S",
            "0s,     PT0S"})
    void parsesEachUnitAndCombinations(String text, Duration expected) {
        assertEquals(Optional.of(expected), Durations.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "ten", "10", "10 s", "s", "-5s", "1.s", ".5s", "10S", "10sec", "1m 30s"})
    void rejectsWhatIsNotADuration(String text) {
        assertEquals(Optional.empty(), Durations.parse(text));
    }

    @Test
    void rejectsNull() {
        assertEquals(Optional.empty(), Durations.parse(null));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "PT0S,       0s",
            "PT0.5S,     500ms",
            "PT10S,      10s",
            "PT1M30S,    1m30s",
            "PT26H,      26h",
            "PT1.0005S,  1s0.5ms",
            "PT0.00025S, 0.25ms"})
    void formatsInTheShortestSpellingThatParsesBack(Duration duration, String expected) {
        assertEquals(expected, Durations.format(duration));
        assertEquals(Optional.of(duration), Durations.parse(expected));
    }
}
