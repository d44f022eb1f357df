package io.dtrexporter.dtr.model;

import java.util.List;

/** RethinkDB system tables as cluster_status reports them; absent tables become empty lists. */
public record RethinkSystemTables(List<StatsRow> stats, List<TableStatus> tableStatus, List<CurrentIssue> currentIssues) {

    public RethinkSystemTables {
        stats = stats == null ? List.of() : stats;
        tableStatus = tableStatus == null ? List.of() : tableStatus;
        currentIssues = currentIssues == null ? List.of() : currentIssues;
    }
}
