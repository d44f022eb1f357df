package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /api/v0/jobs}: newest first. DTR writes {@code "jobs": null} when there are none. */
public record JobList(@JsonProperty(required = true) List<Job> jobs) {
    public JobList {
        jobs = jobs == null ? List.of() : jobs;
    }
}
