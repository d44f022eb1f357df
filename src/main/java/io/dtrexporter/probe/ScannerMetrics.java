package io.dtrexporter.probe;

import io.dtrexporter.dtr.model.ScannerStatus;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Maps /api/v0/imagescan/status to metric families: is scanning on, and how fresh is its database. Pure. */
final class ScannerMetrics {
    private ScannerMetrics() {
    }

    /** @param scanner empty when scanning is not enabled: then no dtr_scanner_* series at all */
    static void addTo(Optional<ScannerStatus> scanner, List<MetricSnapshot> out) {
        Family.gauge("dtr_scanning_enabled", "1 when image scanning is enabled, 0 when the DTR says it is not (400)")
                .add(scanner.isPresent()).addTo(out);
        scanner.ifPresent(status -> database(status, out));
    }

    private static void database(ScannerStatus status, List<MetricSnapshot> out) {
        LabelSets labelSets = new LabelSets();
        Family.gauge("dtr_scanner_db_version", "Version of the vulnerability database (db_version)", labelSets)
                .add(status.dbVersion()).addTo(out);
        Family.gauge("dtr_scanner_db_updated_timestamp_seconds",
                        "When the vulnerability database was last updated (db_updated_at)", labelSets)
                .add(Rfc3339.epochSeconds(status.dbUpdatedAt()).orElse(null)).addTo(out);
        Family.gauge("dtr_scanner_db_update_failed", "1 when the last update of the vulnerability database failed",
                        labelSets)
                .add(status.lastDbUpdateFailed() == null ? null : status.lastDbUpdateFailed() ? 1.0 : 0.0).addTo(out);
        Family replicas = Family.gauge("dtr_scanner_replica_db_updated_timestamp_seconds",
                "When the replica's copy of the vulnerability database was last updated; a lagging copy is older",
                labelSets);
        new TreeMap<>(status.replicas()).forEach((replica, copy) ->
                replicas.add(copy == null ? null : Rfc3339.epochSeconds(copy.dbUpdatedAt()).orElse(null),
                        "replica", replica));
        replicas.addTo(out);
    }
}
