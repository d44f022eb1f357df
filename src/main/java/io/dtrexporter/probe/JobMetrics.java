package io.dtrexporter.probe;

import io.dtrexporter.dtr.model.Job;
import io.dtrexporter.dtr.model.JobList;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Maps the fetched jobs to metric families. Pure. */
final class JobMetrics {
    private JobMetrics() {
    }

    static void addTo(JobList jobs, List<MetricSnapshot> out) {
        Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> {
            int byAction = a.get(0).compareTo(b.get(0));
            return byAction != 0 ? byAction : a.get(1).compareTo(b.get(1));
        });
        for (Job job : jobs.jobs()) {
            counts.merge(List.of(orEmpty(job.action()), orEmpty(job.status())), 1, Integer::sum);
        }
        Family total = Family.gauge("dtr_job_total",
                "Count of jobs by action and status among the most recent job_count jobs");
        counts.forEach((key, count) -> total.add((double) count, "action", key.get(0), "status", key.get(1)));
        total.addTo(out);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
