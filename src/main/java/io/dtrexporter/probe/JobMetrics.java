package io.dtrexporter.probe;

import io.dtrexporter.dtr.model.Job;
import io.dtrexporter.dtr.model.JobList;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Maps the fetched jobs to metric families. Pure. */
final class JobMetrics {
    private static final Comparator<List<String>> BY_ACTION_THEN_STATUS =
            Comparator.comparing((List<String> key) -> key.get(0)).thenComparing(key -> key.get(1));

    private JobMetrics() {
    }

    static void addTo(JobList jobs, List<MetricSnapshot> out) {
        Map<List<String>, Integer> counts = new TreeMap<>(BY_ACTION_THEN_STATUS);
        Map<List<String>, Double> latest = new TreeMap<>(BY_ACTION_THEN_STATUS);
        for (Job job : jobs.jobs()) {
            List<String> key = List.of(orEmpty(job.action()), orEmpty(job.status()));
            counts.merge(key, 1, Integer::sum);
            Rfc3339.epochSeconds(job.lastUpdated()).ifPresent(time -> latest.merge(key, time, Math::max));
        }
        LabelSets labelSets = new LabelSets();
        Family total = Family.gauge("dtr_job_total",
                "Count of jobs by action and status among the most recent job_count jobs", labelSets);
        counts.forEach((key, count) -> total.add((double) count, "action", key.get(0), "status", key.get(1)));
        total.addTo(out);
        Family newest = Family.gauge("dtr_job_latest_timestamp_seconds",
                "Newest lastUpdated among the fetched jobs of that action and status", labelSets);
        latest.forEach((key, time) -> newest.add(time, "action", key.get(0), "status", key.get(1)));
        newest.addTo(out);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
