package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.Map;

/**
 * The parts of {@code GET /api/v0/meta/cluster_status} the exporter reads. Absent maps become empty;
 * unknown keys (e.g. etcd_status on old DTRs) are ignored. A body without rethink_system_tables or
 * replica_health, or with either null, is not a cluster status (a proxy's or a broken DTR's answer)
 * and fails to parse: {@code required} alone lets an explicit null through.
 *
 * @param replicaHealth    replica id to "OK" or an error sentence
 * @param replicaTimestamp replica id to an RFC 3339 time, or an error sentence when it could not be read
 */
public record ClusterStatus(
        @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) RethinkSystemTables rethinkSystemTables,
        @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) Map<String, String> replicaHealth,
        Map<String, String> replicaTimestamp,
        Map<String, Boolean> replicaReadonly,
        String gcLockHolder) {

    public ClusterStatus {
        replicaHealth = replicaHealth == null ? Map.of() : replicaHealth;
        replicaTimestamp = replicaTimestamp == null ? Map.of() : replicaTimestamp;
        replicaReadonly = replicaReadonly == null ? Map.of() : replicaReadonly;
        gcLockHolder = gcLockHolder == null ? "" : gcLockHolder;
    }
}
