package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v0/workers}. */
public record WorkerList(@JsonProperty(required = true) List<Worker> workers) {
    public WorkerList {
        workers = workers == null ? List.of() : workers;
    }

    /** A job runner worker; status is "running" or "dead" (open set). */
    public record Worker(String id, String status, Map<String, Double> capacityMap) {
        public Worker {
            capacityMap = capacityMap == null ? Map.of() : capacityMap;
        }
    }
}
