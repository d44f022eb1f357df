package io.dtrexporter.probe;

import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one probe learned.
 *
 * @param jobs    absent when the module's job_count is 0
 * @param timeout the deadline the probe had
 */
public record ProbeResult(ApiResult<ClusterStatus> clusterStatus, Optional<ApiResult<JobList>> jobs, Duration duration,
                          Duration timeout) {

    /** The DTR is up when every call made succeeded. */
    public boolean up() {
        return calls().stream().allMatch(ApiResult::succeeded);
    }

    public List<ApiResult<?>> calls() {
        List<ApiResult<?>> calls = new ArrayList<>(2);
        calls.add(clusterStatus);
        jobs.ifPresent(calls::add);
        return calls;
    }
}
