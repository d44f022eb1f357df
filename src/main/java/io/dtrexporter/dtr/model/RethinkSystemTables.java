package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** RethinkDB system tables as cluster_status reports them; absent tables become empty lists. */
@JsonIgnoreProperties(ignoreUnknown = true) // skipped, not buffered: see ResponseParsers
public record RethinkSystemTables(List<StatsRow> stats, List<TableStatus> tableStatus, List<CurrentIssue> currentIssues) {

    public RethinkSystemTables {
        stats = stats == null ? List.of() : stats;
        tableStatus = tableStatus == null ? List.of() : tableStatus;
        currentIssues = currentIssues == null ? List.of() : currentIssues;
    }
}
