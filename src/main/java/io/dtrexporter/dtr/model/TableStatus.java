package io.dtrexporter.dtr.model;

import java.util.List;

/** One row of rethink_system_tables.table_status; a table may have several shards. */
public record TableStatus(String db, String name, Readiness status, List<Shard> shards) {

    public TableStatus {
        shards = shards == null ? List.of() : shards;
    }

    public record Readiness(Boolean allReplicasReady, Boolean readyForOutdatedReads, Boolean readyForReads,
                            Boolean readyForWrites) {
    }

    public record Shard(List<ShardReplica> replicas) {
        public Shard {
            replicas = replicas == null ? List.of() : replicas;
        }
    }

    /** {@code state} is an open set; only "ready" is ready. */
    public record ShardReplica(String server, String state) {
    }
}
