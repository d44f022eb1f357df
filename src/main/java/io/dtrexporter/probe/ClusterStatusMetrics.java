package io.dtrexporter.probe;

import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.CurrentIssue;
import io.dtrexporter.dtr.model.StatsRow;
import io.dtrexporter.dtr.model.StatsRow.QueryEngine;
import io.dtrexporter.dtr.model.TableStatus;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Maps a parsed cluster_status to metric families. Pure: no I/O, no state between calls. */
final class ClusterStatusMetrics {
    private final LabelSets labelSets = new LabelSets();
    static final String REPLICA_HEALTH_OK = "OK";
    private static final String SERVER_NAME_PREFIX = "dtr_rethinkdb_";

    private final Family clusterConnections = Family.gauge("dtr_cluster_client_connections",
            "Total number of connections from the cluster", labelSets);
    private final Family clusterClientsActive = Family.gauge("dtr_cluster_clients_active",
            "Total number of active clients in the cluster", labelSets);
    private final Family clusterDocs = Family.gauge("dtr_cluster_docs_per_second",
            "Total number of reads and writes of documents per second from the cluster", labelSets);
    private final Family clusterQueries = Family.gauge("dtr_cluster_queries_per_second",
            "Total number of queries per second from the cluster", labelSets);
    private final Family serverConnections = Family.gauge("dtr_server_client_connections",
            "Number of client connections to the server(replica)", labelSets);
    private final Family serverClientsActive = Family.gauge("dtr_server_clients_active",
            "Total number of active clients in the server(replica)", labelSets);
    private final Family serverDocsRate = Family.gauge("dtr_server_docs_per_second",
            "Total number of reads and writes of documents per second from the server(replica)", labelSets);
    private final Family serverDocs = Family.counter("dtr_server_docs",
            "Total number of reads and writes of documents from the server(replica)", labelSets);
    private final Family serverQueriesRate = Family.gauge("dtr_server_queries_per_second",
            "Number of queries per second from the server(replica)", labelSets);
    private final Family serverQueries = Family.counter("dtr_server_queries",
            "Number of total queries from the server(replica)", labelSets);
    private final Family serverStatsError = Family.gauge("dtr_server_stats_error",
            "1 when the stats rows of the server(replica) carry an error (e.g. timed out) and its figures are not exported", labelSets);
    private final Family serverCount = Family.gauge("dtr_server_count",
            "Count of DTR servers(replicas)", labelSets);
    private final Family serverHealthCount = Family.gauge("dtr_server_health_count",
            "Count of healthy/unhealthy DTR servers(replicas)", labelSets);
    private final Family tableCount = Family.gauge("dtr_table_count",
            "Count of DTR tables", labelSets);
    private final Family tableDocs = Family.gauge("dtr_table_docs_per_second",
            "Number of reads and writes of documents per second from the table", labelSets);
    private final Family tableServerStates = Family.gauge("dtr_table_server_state_count",
            "Count of ready/notready table replicas of each table, over all its shards", labelSets);
    private final Family replicaCache = Family.gauge("dtr_tablereplica_cache_bytes",
            "Table replica cache size in bytes", labelSets);
    private final Family replicaData = Family.gauge("dtr_tablereplica_data_bytes",
            "Table replica size in stored bytes", labelSets);
    private final Family replicaGarbage = Family.gauge("dtr_tablereplica_garbage_bytes",
            "Table replica garbage size in stored bytes", labelSets);
    private final Family replicaMetadata = Family.gauge("dtr_tablereplica_metadata_bytes",
            "Table replica metadata size in stored bytes", labelSets);
    private final Family replicaPreallocated = Family.gauge("dtr_tablereplica_preallocated_bytes",
            "Table replica preallocated size in stored bytes", labelSets);
    private final Family replicaDocs = Family.gauge("dtr_tablereplica_docs_per_second",
            "Number of reads and writes of documents per second from the table replica", labelSets);
    private final Family replicaHealthy = Family.gauge("dtr_replica_healthy",
            "1 when the replica's replica_health is exactly OK", labelSets);
    private final Family replicaUnhealthyReason = Family.gauge("dtr_replica_unhealthy_reason",
            "1 for each replica whose replica_health is not OK, with the kind of trouble its sentence names"
                    + " (connection, rethinkdb, etcd, notary, status, other)", labelSets);
    private final Family replicaHealthTime = Family.gauge("dtr_replica_health_timestamp_seconds",
            "When the replica last wrote its health verdict (absent when DTR could not read it)", labelSets);
    private final Family replicaReadonly = Family.gauge("dtr_replica_readonly",
            "1 when the replica's registry is in read-only mode (e.g. during garbage collection)", labelSets);
    private final Family gcLockHeld = Family.gauge("dtr_gc_lock_held",
            "1 when a garbage collection holds the GC lock", labelSets);
    private final Family rethinkIssues = Family.gauge("dtr_rethinkdb_issues",
            "RethinkDB's current issues by type and criticality", labelSets);
    private final Family tableStatusFlags = Family.gauge("dtr_table_status",
            "RethinkDB's readiness flags of each table: 1 true, 0 false", labelSets);
    private final Family replicaIo = Family.gauge("dtr_tablereplica_io",
            "Table replica reads and writes of bytes per second", labelSets);

    private ClusterStatusMetrics() {
    }

    static void addTo(ClusterStatus status, List<MetricSnapshot> out) {
        new ClusterStatusMetrics().map(status).addAllTo(out);
    }

    /** The replica id in a RethinkDB server name {@code dtr_rethinkdb_<id>}; other names as they are. */
    static String replicaOf(String serverName) {
        if (serverName == null) {
            return "";
        }
        return serverName.startsWith(SERVER_NAME_PREFIX) && serverName.length() > SERVER_NAME_PREFIX.length()
                ? serverName.substring(SERVER_NAME_PREFIX.length()) : serverName;
    }

    private ClusterStatusMetrics map(ClusterStatus status) {
        Map<String, Boolean> statsErrorByReplica = new TreeMap<>();
        for (StatsRow row : status.rethinkSystemTables().stats()) {
            if (row.server() != null) {
                statsErrorByReplica.merge(replicaOf(row.server()), row.hasError(), Boolean::logicalOr);
            }
            if (row.hasError()) {
                continue; // a timed-out row has no figures; zeros would be a lie
            }
            switch (row.kind()) {
                case "cluster" -> cluster(row.queryEngine());
                case "server" -> server(replicaOf(row.server()), row.queryEngine());
                case "table" -> table(row);
                case "table_server" -> tableReplica(row);
                default -> { } // kinds a future RethinkDB may add
            }
        }
        statsErrorByReplica.forEach((replica, error) -> serverStatsError.add(error, "replica", replica));
        replicaHealth(status.replicaHealth());
        replicas(status);
        tableStatus(status.rethinkSystemTables().tableStatus());
        issues(status.rethinkSystemTables().currentIssues());
        return this;
    }

    /** Per replica, by the replica ids cluster_status keys its maps with. */
    private void replicas(ClusterStatus status) {
        new TreeMap<>(status.replicaHealth()).forEach((replica, verdict) -> {
            replicaHealthy.add(REPLICA_HEALTH_OK.equals(verdict), "replica", replica);
            if (!REPLICA_HEALTH_OK.equals(verdict)) {
                replicaUnhealthyReason.add(1.0, "replica", replica, "reason", ReplicaHealthReason.of(verdict).label());
            }
        });
        new TreeMap<>(status.replicaTimestamp()).forEach((replica, time) ->
                replicaHealthTime.add(Rfc3339.epochSeconds(time).orElse(null), "replica", replica));
        new TreeMap<>(status.replicaReadonly()).forEach((replica, readonly) ->
                replicaReadonly.add(readonly == null ? null : readonly ? 1.0 : 0.0, "replica", replica));
        gcLockHeld.add(!status.gcLockHolder().isEmpty());
    }

    private void issues(List<CurrentIssue> issues) {
        Map<List<String>, Integer> counts = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0))
                .thenComparing(key -> key.get(1)));
        for (CurrentIssue issue : issues) {
            counts.merge(List.of(issue.type() == null ? "" : issue.type(),
                    Boolean.TRUE.equals(issue.critical()) ? "true" : "false"), 1, Integer::sum);
        }
        counts.forEach((key, count) -> rethinkIssues.add((double) count, "type", key.get(0), "critical", key.get(1)));
    }

    private void cluster(QueryEngine engine) {
        if (engine == null) {
            return;
        }
        clusterConnections.add(engine.clientConnections());
        clusterClientsActive.add(engine.clientsActive());
        clusterDocs.add(engine.readDocsPerSec(), "operation", "read");
        clusterDocs.add(engine.writtenDocsPerSec(), "operation", "written");
        clusterQueries.add(engine.queriesPerSec());
    }

    private void server(String replica, QueryEngine engine) {
        if (engine == null) {
            return;
        }
        serverConnections.add(engine.clientConnections(), "replica", replica);
        serverClientsActive.add(engine.clientsActive(), "replica", replica);
        serverQueriesRate.add(engine.queriesPerSec(), "replica", replica);
        serverQueries.add(engine.queriesTotal(), "replica", replica);
        serverDocsRate.add(engine.readDocsPerSec(), "replica", replica, "operation", "read");
        serverDocsRate.add(engine.writtenDocsPerSec(), "replica", replica, "operation", "written");
        serverDocs.add(engine.readDocsTotal(), "replica", replica, "operation", "read");
        serverDocs.add(engine.writtenDocsTotal(), "replica", replica, "operation", "written");
    }

    private void table(StatsRow row) {
        if (row.queryEngine() == null) {
            return;
        }
        tableDocs.add(row.queryEngine().readDocsPerSec(), "db", row.db(), "table", row.table(), "operation", "read");
        tableDocs.add(row.queryEngine().writtenDocsPerSec(),
                "db", row.db(), "table", row.table(), "operation", "written");
    }

    private void tableReplica(StatsRow row) {
        String[] labels = {"db", row.db(), "table", row.table(), "replica", replicaOf(row.server())};
        QueryEngine query = row.queryEngine();
        if (query != null) {
            replicaDocs.add(query.readDocsPerSec(), with(labels, "operation", "read"));
            replicaDocs.add(query.writtenDocsPerSec(), with(labels, "operation", "written"));
        }
        StatsRow.StorageEngine storage = row.storageEngine();
        if (storage == null) {
            return;
        }
        if (storage.cache() != null) {
            replicaCache.add(storage.cache().inUseBytes(), labels);
        }
        StatsRow.Disk disk = storage.disk();
        if (disk != null) {
            replicaIo.add(disk.readBytesPerSec(), with(labels, "operation", "read"));
            replicaIo.add(disk.writtenBytesPerSec(), with(labels, "operation", "written"));
            StatsRow.SpaceUsage space = disk.spaceUsage();
            if (space != null) {
                replicaData.add(space.dataBytes(), labels);
                replicaGarbage.add(space.garbageBytes(), labels);
                replicaMetadata.add(space.metadataBytes(), labels);
                replicaPreallocated.add(space.preallocatedBytes(), labels);
            }
        }
    }

    private void replicaHealth(Map<String, String> health) {
        long healthy = health.values().stream().filter(REPLICA_HEALTH_OK::equals).count();
        serverCount.add((double) health.size());
        serverHealthCount.add((double) healthy, "health", "healthy");
        serverHealthCount.add((double) (health.size() - healthy), "health", "unhealthy");
    }

    private void tableStatus(List<TableStatus> tables) {
        tableCount.add((double) tables.size());
        for (TableStatus table : tables) {
            long ready = 0;
            long notReady = 0;
            for (TableStatus.Shard shard : table.shards()) {
                for (TableStatus.ShardReplica replica : shard.replicas()) {
                    if ("ready".equals(replica.state())) {
                        ready++;
                    } else {
                        notReady++;
                    }
                }
            }
            tableServerStates.add((double) ready, "db", table.db(), "table", table.name(), "state", "ready");
            tableServerStates.add((double) notReady, "db", table.db(), "table", table.name(), "state", "notready");
            TableStatus.Readiness readiness = table.status();
            if (readiness != null) {
                flag(table, "all_replicas_ready", readiness.allReplicasReady());
                flag(table, "ready_for_reads", readiness.readyForReads());
                flag(table, "ready_for_writes", readiness.readyForWrites());
                flag(table, "ready_for_outdated_reads", readiness.readyForOutdatedReads());
            }
        }
    }

    private void flag(TableStatus table, String status, Boolean value) {
        tableStatusFlags.add(value == null ? null : value ? 1.0 : 0.0,
                "db", table.db(), "table", table.name(), "status", status);
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] all = Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }

    private void addAllTo(List<MetricSnapshot> out) {
        for (Family family : List.of(clusterConnections, clusterClientsActive, clusterDocs, clusterQueries,
                serverConnections, serverClientsActive, serverDocsRate, serverDocs, serverQueriesRate, serverQueries,
                serverStatsError, serverCount, serverHealthCount, tableCount, tableDocs, tableServerStates,
                replicaCache, replicaData, replicaGarbage, replicaMetadata, replicaPreallocated, replicaDocs,
                replicaIo, replicaHealthy, replicaUnhealthyReason, replicaHealthTime, replicaReadonly, gcLockHeld, rethinkIssues,
                tableStatusFlags)) {
            family.addTo(out);
        }
    }
}
