package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiCall;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.CronList;
import io.dtrexporter.dtr.model.DtrVersion;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.dtr.model.Ping;
import io.dtrexporter.dtr.model.ScannerStatus;
import io.dtrexporter.dtr.model.WorkerList;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
    /** A 400 says scanning is not enabled: an answer, not a failed call. */
    public static final ApiCall<Optional<ScannerStatus>> SCANNING = new ApiCall<>("imagescan",
            module -> "/api/v0/imagescan/status", ResponseParsers.SCANNING,
            status -> ApiCall.isSuccess(status) || status == ResponseParsers.SCANNING_DISABLED, ModuleConfig::scanning,
            ScannerMetrics::addTo);
    public static final ApiCall<CronList> CRONS = new ApiCall<>("crons", module -> "/api/v0/crons",
            ResponseParsers::crons, ApiCall::isSuccess, ModuleConfig::crons, CronMetrics::addTo);
    /**
     * docs.json is hundreds of KB and changes only on an upgrade: made at most every 30 minutes
     * ({@link ReusedAnswers}), and read only as far as info.version, near its top.
     */
    public static final ApiCall<DtrVersion> VERSION = new ApiCall<>("version", module -> "/api/v0/docs.json",
            ResponseParsers::version, ApiCall::isSuccess, ModuleConfig::version, ApiCalls::versionMetrics,
            Duration.ofMinutes(30)).answeredByItsHead(ResponseParsers::versionHead);

    public static final List<ApiCall<?>> ALL = List.of(CLUSTER_STATUS, JOBS, PING, WORKERS, SCANNING, CRONS, VERSION);

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

    private static void versionMetrics(DtrVersion version, List<MetricSnapshot> out) {
        Family.gauge("dtr_build_info", "1, with the DTR's version (info.version of /api/v0/docs.json) as a label")
                .add(1.0, "version", version.version()).addTo(out);
    }
}
