package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.ApiCall;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.DtrClient;
import io.dtrexporter.dtr.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one probe: the API calls its module enables, all at once, each bounded by the probe's one
 * deadline. No thread waits for them; the future never fails because of what a DTR did.
 */
public final class Prober {
    private Prober() {
    }

    /**
     * @param timeout  bound of the whole probe, every call included
     * @param arrival  System.nanoTime() when the request arrived: the deadline counts from there
     */
    public static CompletableFuture<ProbeResult> probe(Target target, ProbeModules.Module probeModule,
                                                       Duration timeout, long arrival) {
        ModuleConfig module = probeModule.config();
        DtrClient client = probeModule.client();
        long start = System.nanoTime();
        long deadline = arrival + timeout.toNanos();
        List<ApiCall<?>> enabled = ApiCalls.of(module);
        // a target without a connection yet: the other calls follow the first on the connection it made
        boolean connected = client.connected(target);
        List<CompletableFuture<? extends ApiResult<?>>> calls = new ArrayList<>(enabled.size());
        CompletableFuture<? extends ApiResult<?>> first = call(client, target, enabled.get(0), module, deadline);
        calls.add(first);
        CompletableFuture<?> ready = connected ? CompletableFuture.completedFuture(null) : first;
        for (ApiCall<?> call : enabled.subList(1, enabled.size())) {
            calls.add(afterwards(probeModule, target, call, ready, deadline));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done ->
                new ProbeResult(calls.stream().<ApiResult<?>>map(CompletableFuture::join).toList(),
                        Duration.ofNanos(System.nanoTime() - start), timeout));
    }

    /** A call made once {@code ready} is done, or the answer it gave an earlier probe while that is fresh. */
    private static <T> CompletableFuture<ApiResult<T>> afterwards(ProbeModules.Module probeModule, Target target,
                                                                  ApiCall<T> call, CompletableFuture<?> ready, long deadline) {
        ModuleConfig module = probeModule.config();
        Supplier<CompletableFuture<ApiResult<T>>> made =
                () -> ready.thenCompose(done -> call(probeModule.client(), target, call, module, deadline));
        return call.reused() ? probeModule.reusedAnswers().answer(call, module.name(), target, made) : made.get();
    }

    private static <T> CompletableFuture<ApiResult<T>> call(DtrClient client, Target target, ApiCall<T> call,
                                                            ModuleConfig module, long deadline) {
        return client.call(target, call, call.pathAndQuery().apply(module), deadline);
    }
}
