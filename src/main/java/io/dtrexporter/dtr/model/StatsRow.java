package io.dtrexporter.dtr.model;

import java.util.List;

/**
 * One row of rethink_system_tables.stats. {@code id[0]} says what it describes: "cluster", "server",
 * "table" or "table_server". A row whose stats timed out has {@code error} and no engines.
 */
public record StatsRow(
        List<String> id,
        String server,
        String db,
        String table,
        String error,
        QueryEngine queryEngine,
        StorageEngine storageEngine) {

    public StatsRow {
        id = id == null ? List.of() : id;
    }

    public String kind() {
        return id.isEmpty() ? "" : String.valueOf(id.get(0));
    }

    public boolean hasError() {
        return error != null;
    }

    /** Figures of the query engine; each is null when the row does not carry it. */
    public record QueryEngine(
            Double clientConnections,
            Double clientsActive,
            Double queriesPerSec,
            Double queriesTotal,
            Double readDocsPerSec,
            Double readDocsTotal,
            Double writtenDocsPerSec,
            Double writtenDocsTotal) {
    }

    public record StorageEngine(Cache cache, Disk disk) {
    }

    public record Cache(Double inUseBytes) {
    }

    public record Disk(Double readBytesPerSec, Double readBytesTotal, Double writtenBytesPerSec,
                       Double writtenBytesTotal, SpaceUsage spaceUsage) {
    }

    public record SpaceUsage(Double metadataBytes, Double dataBytes, Double garbageBytes, Double preallocatedBytes) {
    }
}
