package io.dtrexporter.probe;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** DTR's times (RFC 3339, as Go writes them) as seconds since the epoch; anything else is no time. */
final class Rfc3339 {
    private Rfc3339() {
    }

    /** Empty for null, "" and for error sentences where a time should be (replica_timestamp does that). */
    static Optional<Double> epochSeconds(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return Optional.of(time.toEpochSecond() + time.getNano() / 1e9);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
