package io.dtrexporter.probe;

import io.dtrexporter.dtr.model.CronList;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps /api/v0/crons to metric families. Pure. An action with several crons (poll_mirror has one per
 * mirroring policy) is due at its earliest; an action without a cron has no series, which is what
 * says that a DTR with no GC cron never collects garbage.
 */
final class CronMetrics {
    private CronMetrics() {
    }

    static void addTo(CronList crons, List<MetricSnapshot> out) {
        Map<String, Double> earliest = new TreeMap<>();
        for (CronList.Cron cron : crons.crons()) {
            if (cron.action() != null && !cron.action().isEmpty()) {
                Rfc3339.epochSeconds(cron.nextRun()).ifPresent(next -> earliest.merge(cron.action(), next, Math::min));
            }
        }
        Family next = Family.gauge("dtr_cron_next_run_timestamp_seconds",
                "Earliest nextRun among the crons (recurring jobs) of that action");
        earliest.forEach((action, time) -> next.add(time, "action", action));
        next.addTo(out);
    }
}
