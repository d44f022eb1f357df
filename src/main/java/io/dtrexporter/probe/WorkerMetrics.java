package io.dtrexporter.probe;

import io.dtrexporter.dtr.model.WorkerList;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/** Maps /api/v0/workers to metric families. Pure. */
final class WorkerMetrics {
    private WorkerMetrics() {
    }

    static void addTo(WorkerList list, List<MetricSnapshot> out) {
        LabelSets labelSets = new LabelSets();
        Family up = Family.gauge("dtr_worker_up", "1 when the job runner worker's status is running", labelSets);
        Family capacity = Family.gauge("dtr_worker_capacity",
                "The worker's capacity for each kind of job (its capacityMap)", labelSets);
        list.workers().stream()
                .filter(worker -> worker != null && worker.id() != null)
                .sorted(Comparator.comparing(WorkerList.Worker::id))
                .forEach(worker -> {
                    up.add("running".equals(worker.status()), "worker", worker.id());
                    new TreeMap<>(worker.capacityMap()).forEach((kind, value) ->
                            capacity.add(value, "worker", worker.id(), "capacity", kind));
                });
        up.addTo(out);
        capacity.addTo(out);
    }
}
