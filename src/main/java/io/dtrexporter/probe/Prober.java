package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.DtrApi;
import io.dtrexporter.dtr.DtrClient;
import io.dtrexporter.dtr.FailureReason;
import io.dtrexporter.dtr.ResponseParsers;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.dtr.model.Ping;
import io.dtrexporter.dtr.model.WorkerList;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Runs one probe: the API calls of a module against a target, in parallel, all bounded by one
 * deadline. Never throws because of what a DTR did.
 */
public final class Prober {
    static final String CLUSTER_STATUS_PATH = "/api/v0/meta/cluster_status";
    static final String JOBS_PATH = "/api/v0/jobs?action=any&worker=any&running=any&start=0&limit=";
    static final String PING_PATH = "/_ping";
    static final String WORKERS_PATH = "/api/v0/workers";
    /** /_ping says "unhealthy" with a 503 and a body: an answer, not a failed call. */
    private static final IntPredicate PING_ANSWERS = status -> DtrClient.isSuccess(status) || status == 503;
    /** A call's own alarm fires at the deadline; this is how long we wait past it for the call to notice. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Executor callExecutor;

    public Prober(Executor callExecutor) {
        this.callExecutor = callExecutor;
    }

    /** @param timeout bound of the whole probe, both calls included, from now */
    public ProbeResult probe(Target target, ModuleConfig module, DtrClient client, Duration timeout) {
        return probe(target, module, client, timeout, System.nanoTime());
    }

    /**
     * @param timeout  bound of the whole probe, both calls included
     * @param arrival  System.nanoTime() when the request arrived: the deadline counts from there
     */
    public ProbeResult probe(Target target, ModuleConfig module, DtrClient client, Duration timeout, long arrival) {
        long start = System.nanoTime();
        long deadline = arrival + timeout.toNanos();
        CompletableFuture<ApiResult<ClusterStatus>> clusterStatus = submit(() -> client.call(
                target, DtrApi.CLUSTER_STATUS, pathAndQuery(DtrApi.CLUSTER_STATUS, module), ResponseParsers::clusterStatus,
                deadline));
        Optional<CompletableFuture<ApiResult<JobList>>> jobs = module.jobCount() == 0 ? Optional.empty()
                : Optional.of(submit(() -> client.call(
                        target, DtrApi.JOBS, pathAndQuery(DtrApi.JOBS, module), ResponseParsers::jobs, deadline)));
        Optional<CompletableFuture<ApiResult<Ping>>> ping = !module.ping() ? Optional.empty()
                : Optional.of(submit(() -> client.call(target, DtrApi.PING, PING_PATH, ResponseParsers::ping, deadline,
                        PING_ANSWERS)));
        Optional<CompletableFuture<ApiResult<WorkerList>>> workers = !module.workers() ? Optional.empty()
                : Optional.of(submit(() -> client.call(target, DtrApi.WORKERS, WORKERS_PATH, ResponseParsers::workers,
                        deadline)));
        ApiResult<ClusterStatus> clusterStatusResult = await(clusterStatus, DtrApi.CLUSTER_STATUS, start, deadline);
        Optional<ApiResult<JobList>> jobsResult = jobs.map(f -> await(f, DtrApi.JOBS, start, deadline));
        Optional<ApiResult<Ping>> pingResult = ping.map(f -> await(f, DtrApi.PING, start, deadline));
        Optional<ApiResult<WorkerList>> workersResult = workers.map(f -> await(f, DtrApi.WORKERS, start, deadline));
        return new ProbeResult(clusterStatusResult, jobsResult, Duration.ofNanos(System.nanoTime() - start), timeout,
                pingResult, workersResult);
    }

    /** The path and query a call of {@code api} asks for, as sent (without a target's prefix). */
    public static String pathAndQuery(DtrApi api, ModuleConfig module) {
        return switch (api) {
            case CLUSTER_STATUS -> CLUSTER_STATUS_PATH;
            case JOBS -> JOBS_PATH + module.jobCount();
            case PING -> PING_PATH;
            case WORKERS -> WORKERS_PATH;
        };
    }

    private <T> CompletableFuture<ApiResult<T>> submit(Supplier<ApiResult<T>> call) {
        return CompletableFuture.supplyAsync(call, callExecutor);
    }

    /** Waits for a call; one stuck where no alarm reaches (e.g. DNS) still ends the probe on time. */
    private static <T> ApiResult<T> await(CompletableFuture<ApiResult<T>> call, DtrApi api, long start, long deadline) {
        try {
            return call.get(Math.max(0, deadline - System.nanoTime()) + GRACE_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return ApiResult.failure(api, 0, Duration.ofNanos(System.nanoTime() - start), FailureReason.TIMEOUT,
                    "no answer within the probe's deadline");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiResult.failure(api, 0, Duration.ofNanos(System.nanoTime() - start), FailureReason.TIMEOUT,
                    "probe interrupted");
        } catch (ExecutionException e) {
            // DtrClient.call returns failures as results; this is a bug of ours, not the DTR's
            throw new IllegalStateException("probe call failed unexpectedly", e.getCause());
        }
    }
}
