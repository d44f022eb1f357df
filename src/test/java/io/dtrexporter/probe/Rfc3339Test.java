package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rfc3339 reads the shape Go writes itself and leaves every other text to java.time: for any text,
 * its answer must be java.time's, to the last bit of the double.
 */
class Rfc3339Test {
    private static final String DIGITS_AND_SIGNS = "0123456789-+:.TZtz ";

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-11-20T11:59:41Z", "2026-11-20T11:59:41.123456789Z", "2026-11-20T11:59:41.5+02:00",
            "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-18:00", "2026-11-20T11:59:41+18:01", "2026-11-20T24:00:00Z",
            "2026-11-20T11:60:00Z", "2026-11-20T11:59:60Z", "2026-11-20T11:59:41.Z", "2026-11-20T11:59:41.1234567891Z",
            "2026-11-20t11:59:41z", "2026-11-20T11:59Z", "2026-11-20T11:59:41+02:00:30", "2026-11-20T11:59:41+0200",
            "2026-11-20T11:59:41", "+12026-11-20T11:59:41Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-11-20T11:59:41Z ", " 2026-11-20T11:59:41Z", "2026-1１-20T11:59:41Z", "2026-11-20T11:59:41-00:00",
            "open /var/lib/rethinkdb: permission denied", "0001-01-01T00:00:00Z"})
    void agreesWithJavaTime(String text) {
        assertEquals(javaTime(text), Rfc3339.epochSeconds(text), text);
    }

    @Test
    void agreesWithJavaTimeOnGeneratedAndMangledTimes() {
        Random random = new Random(6);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String time = generated(random);
            texts.add(time);
            char[] mangled = time.toCharArray();
            mangled[random.nextInt(mangled.length)] = DIGITS_AND_SIGNS.charAt(random.nextInt(DIGITS_AND_SIGNS.length()));
            texts.add(new String(mangled));
        }
        for (String text : texts) {
            assertEquals(javaTime(text), Rfc3339.epochSeconds(text), text);
        }
    }

    @Test
    void emptyAndNullAreNoTime() {
        assertEquals(Optional.empty(), Rfc3339.epochSeconds(""));
        assertEquals(Optional.empty(), Rfc3339.epochSeconds(null));
    }

    /** A time as Go's RFC3339Nano writes it: trailing zeros of the fraction dropped, Z or an offset. */
    private static String generated(Random random) {
        Instant instant = Instant.ofEpochSecond(random.nextLong() % 40_000_000_000L, random.nextInt(1_000_000_000));
        ZoneOffset offset = random.nextBoolean() ? ZoneOffset.UTC
                : ZoneOffset.ofTotalSeconds((random.nextInt(145) - 72) * 15 * 60); // quarter hours up to ±18:00
        OffsetDateTime time = instant.atOffset(offset);
        if (time.getYear() < 0 || time.getYear() > 9999) {
            time = time.withYear(Math.floorMod(time.getYear(), 10_000));
        }
        String fraction = String.format("%09d", random.nextInt(4) == 0 ? 0 : time.getNano()).replaceAll("0+$", "");
        String zone = offset.equals(ZoneOffset.UTC) ? "Z" : offset.getId();
        return String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", time.getYear(), time.getMonthValue(),
                time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(),
                fraction.isEmpty() ? "" : "." + fraction, zone);
    }

    private static Optional<Double> javaTime(String text) {
        try {
            OffsetDateTime time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return Optional.of(time.toEpochSecond() + time.getNano() / 1e9);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
