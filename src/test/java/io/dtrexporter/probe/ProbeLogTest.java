package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The probe log is read by people, but its format is what it was: only the cost changed. */
class ProbeLogTest {
    @Test
    void secondsAreWrittenAsBeforeWithThreeDecimals() {
        assertEquals("0.000 s", ProbeLog.seconds(Duration.ZERO));
        assertEquals("0.203 s", ProbeLog.seconds(Duration.ofNanos(203_008_597)));
        assertEquals("10.000 s", ProbeLog.seconds(Duration.ofSeconds(10)));
        assertEquals("1.001 s", ProbeLog.seconds(Duration.ofNanos(1_000_600_000)));
        assertEquals(String.format(Locale.ROOT, "%.3f s", 1.0005), ProbeLog.seconds(Duration.ofNanos(1_000_500_000)));
        Random random = new Random(6);
        for (int i = 0; i < 10_000; i++) {
            Duration duration = Duration.ofNanos(random.nextLong(Long.MAX_VALUE / 1_000_000) / (1 + random.nextInt(1_000_000)));
            assertEquals(String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9), ProbeLog.seconds(duration),
                    duration.toString());
        }
    }
}
