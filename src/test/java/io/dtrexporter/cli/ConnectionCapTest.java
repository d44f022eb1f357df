package io.dtrexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.testing.LogCapture;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --web.max-connections' default leaves half the open-file limit to the DTR connections and files. */
class ConnectionCapTest {
    @ParameterizedTest(name = "limit {0} -> {1}")
    @CsvSource({"2048, 1024", "1024, 512", "65536, 16384", "1048576, 16384", "1, 1"})
    void theDefaultIsHalfTheOpenFileLimitAtMost16384(long limit, int expected) {
        ConnectionCap.Choice choice = ConnectionCap.choose(OptionalInt.empty(), OptionalLong.of(limit));
        assertEquals(expected, choice.maxConnections());
        assertEquals("max_connections=" + expected + " open_file_limit=" + limit
                + " max_connections_from=\"half the open-file limit, at most 16384\"", choice.logFields());
    }

    @Test
    void anUnknownLimitGivesAFixedDefaultAndSaysSo() {
        ConnectionCap.Choice choice = ConnectionCap.choose(OptionalInt.empty(), OptionalLong.empty());
        assertEquals(4096, choice.maxConnections());
        assertTrue(choice.logFields().contains("open_file_limit=unknown"), choice.logFields());
    }

    @Test
    void aFlagAboveHalfTheLimitIsTakenWithAWarning() {
        try (LogCapture warnings = LogCapture.atLeast(Level.WARNING, ConnectionCap.class)) {
            ConnectionCap.Choice choice = ConnectionCap.choose(OptionalInt.of(1500), OptionalLong.of(2048));
            choice.warnIfTooMany();
            assertEquals(1500, choice.maxConnections());
            assertEquals(1, warnings.records().size());
            assertTrue(warnings.records().get(0).getMessage().contains("--web.max-connections=1500 is more than half"
                    + " the open-file limit of 2048"), warnings.records().get(0).getMessage());
            ConnectionCap.choose(OptionalInt.of(1000), OptionalLong.of(2048)).warnIfTooMany();
            assertEquals(1, warnings.records().size(), "1000 of 2048 is fine");
        }
    }
}
