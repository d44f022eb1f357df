package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /api/v0/crons}: the recurring jobs; an action can have many (one per mirroring policy). */
public record CronList(@JsonProperty(required = true) List<Cron> crons) {
    public CronList {
        crons = crons == null ? List.of() : crons;
    }

    /** One recurring job: its action (open set) and when the job runner will start it next. */
    public record Cron(String action, String nextRun) {
    }
}
