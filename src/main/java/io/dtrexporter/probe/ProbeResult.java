package io.dtrexporter.probe;

import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.dtr.model.Ping;
import io.dtrexporter.dtr.model.WorkerList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one probe learned.
 *
 * @param jobs    absent when the module's job_count is 0
 * @param timeout the deadline the probe had
 * @param ping    absent when the module's ping is off; likewise workers
 */
public record ProbeResult(ApiResult<ClusterStatus> clusterStatus, Optional<ApiResult<JobList>> jobs, Duration duration,
                          Duration timeout, Optional<ApiResult<Ping>> ping, Optional<ApiResult<WorkerList>> workers) {

    /** Without the optional calls. */
    public ProbeResult(ApiResult<ClusterStatus> clusterStatus, Optional<ApiResult<JobList>> jobs, Duration duration,
                       Duration timeout) {
        this(clusterStatus, jobs, duration, timeout, Optional.empty(), Optional.empty());
    }

    /** The DTR is up when every call made succeeded. */
    public boolean up() {
        return calls().stream().allMatch(ApiResult::succeeded);
    }

    public List<ApiResult<?>> calls() {
        List<ApiResult<?>> calls = new ArrayList<>(4);
        calls.add(clusterStatus);
        jobs.ifPresent(calls::add);
        ping.ifPresent(calls::add);
        workers.ifPresent(calls::add);
        return calls;
    }
}
