package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;

/**
 * {@code GET /api/v0/imagescan/status} when scanning is enabled (snake_case). {@code db_version} is a
 * number, but each replica's {@code version} is a string, so only the replicas' times are read.
 *
 * @param replicas one entry per replica that has a copy of the vulnerability database
 */
public record ScannerStatus(Double dbVersion, String dbUpdatedAt, Boolean lastDbUpdateFailed,
                            Map<String, ReplicaCopy> replicas) {
    public ScannerStatus {
        replicas = replicas == null ? Map.of() : replicas;
    }

    /** One replica's copy of the vulnerability database. */
    public record ReplicaCopy(String dbUpdatedAt) {
        /**
         * An entry that is no object (a number, a list) is a copy of which nothing is known, as a
         * replica_timestamp that is no time is: one odd replica must not fail the whole call.
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static ReplicaCopy of(Object entry) {
            Object time = entry instanceof Map<?, ?> fields ? fields.get("db_updated_at") : null;
            return new ReplicaCopy(time instanceof String text ? text : null);
        }
    }
}
