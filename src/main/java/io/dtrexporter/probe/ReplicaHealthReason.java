package io.dtrexporter.probe;

import java.util.List;
import java.util.Locale;

/**
 * The {@code reason} label of dtr_replica_unhealthy_reason: which part of a replica is unwell, read
 * from the start of its replica_health sentence. A fixed set, so that a sentence's details (addresses,
 * error texts) never become label values.
 */
enum ReplicaHealthReason {
    CONNECTION("Failed to connect to container"),
    RETHINKDB("Rethinkdb has issues"),
    ETCD("Etcd unhealthy"),
    NOTARY("Notary unhealthy"),
    STATUS("Failed to get status of replica"),
    OTHER(null);

    private static final List<ReplicaHealthReason> KNOWN = List.of(CONNECTION, RETHINKDB, ETCD, NOTARY, STATUS);

    private final String prefix;

    ReplicaHealthReason(String prefix) {
        this.prefix = prefix;
    }

    /** The reason for an unhealthy replica's sentence; {@link #OTHER} for a sentence of no known shape. */
    static ReplicaHealthReason of(String sentence) {
        if (sentence == null) {
            return OTHER;
        }
        String trimmed = sentence.strip();
        return KNOWN.stream().filter(reason -> trimmed.regionMatches(true, 0, reason.prefix, 0, reason.prefix.length()))
                .findFirst().orElse(OTHER);
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
