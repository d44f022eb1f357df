package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiCall;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.dtr.model.Ping;
import io.dtrexporter.dtr.model.WorkerList;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * Every DTR API call a probe can make, in the order its metrics are written. A probe makes the calls
 * its module enables, all at once.
 */
public final class ApiCalls {
    public static final ApiCall<ClusterStatus> CLUSTER_STATUS = new ApiCall<>("cluster_status",
            module -> "/api/v0/meta/cluster_status", ResponseParsers::clusterStatus, ApiCall::isSuccess,
            module -> true, ClusterStatusMetrics::addTo);
    public static final ApiCall<JobList> JOBS = new ApiCall<>("jobs",
            module -> "/api/v0/jobs?action=any&worker=any&running=any&start=0&limit=" + module.jobCount(),
            ResponseParsers::jobs, ApiCall::isSuccess, module -> module.jobCount() > 0, JobMetrics::addTo);
    /** /_ping says "unhealthy" with a 503 and a body: an answer, not a failed call. */
    public static final ApiCall<Ping> PING = new ApiCall<>("ping", module -> "/_ping", ResponseParsers::ping,
            status -> ApiCall.isSuccess(status) || status == 503, ModuleConfig::ping, ApiCalls::pingMetrics);
    public static final ApiCall<WorkerList> WORKERS = new ApiCall<>("workers", module -> "/api/v0/workers",
            ResponseParsers::workers, ApiCall::isSuccess, ModuleConfig::workers, WorkerMetrics::addTo);

    public static final List<ApiCall<?>> ALL = List.of(CLUSTER_STATUS, JOBS, PING, WORKERS);

    private ApiCalls() {
    }

    /** The calls a probe of {@code module} makes. */
    public static List<ApiCall<?>> of(ModuleConfig module) {
        return ALL.stream().filter(call -> call.enabled().test(module)).toList();
    }

    private static void pingMetrics(Ping ping, List<MetricSnapshot> out) {
        Family.gauge("dtr_ping_healthy", "1 when /_ping of the replica that answered says Healthy")
                .add(ping.healthy() == null ? null : ping.healthy() ? 1.0 : 0.0).addTo(out);
    }
}
