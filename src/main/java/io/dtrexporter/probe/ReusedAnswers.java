package io.dtrexporter.probe;

import io.dtrexporter.dtr.ApiCall;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The last answers of the calls whose description says they are reused ({@link ApiCall#reusedFor}),
 * by call, module and target: today docs.json, the DTR's version, which is hundreds of KB and
 * changes only on an upgrade. A probe makes such a call only when the last successful one for its
 * key is {@code reusedFor} old; the probes in between repeat that answer, and probes that come
 * during a fetch share it. A failed fetch fails the call but keeps the body seen before. Bounded to
 * the {@link #MAX_TARGETS} most recently probed keys (targets come from query parameters); a reload
 * starts a new one ({@link ProbeModules#next}).
 */
public final class ReusedAnswers {
    public static final int MAX_TARGETS = 10_000;

    private record Key(String call, String module, String target) {
    }

    /** A successful fetch, and when it started: by the monotonic clock for the interval, as a time for the log. */
    private record Fetched(ApiResult<?> result, long atNanos, Instant at) {
    }

    /** A fetch running now, which probes of the same key wait for. */
    private record InFlight(CompletableFuture<? extends ApiResult<?>> result, Instant started) {
    }

    private final LongSupplier nanoClock;
    private final int maxTargets;
    /** Guarded by this, as {@link #fetching} is. */
    private final Map<Key, Fetched> lastFetch;
    /** The fetches running now: at most one per key, as many keys as probes run at once. */
    private final Map<Key, InFlight> fetching = new HashMap<>();

    public ReusedAnswers() {
        this(System::nanoTime, MAX_TARGETS);
    }

    /** @param nanoClock a monotonic clock in nanoseconds: a wall clock set back must not delay a refetch */
    ReusedAnswers(LongSupplier nanoClock, int maxTargets) {
        this.nanoClock = nanoClock;
        this.maxTargets = maxTargets;
        this.lastFetch = new LinkedHashMap<>(16, 0.75f, true) { // access order: the least recent goes first
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Fetched> eldest) {
                return size() > ReusedAnswers.this.maxTargets;
            }
        };
    }

    /**
     * The call's outcome for this probe: the last answer again while it is fresh, else what
     * {@code fetch} brings, kept for the next probes when it succeeds. Probes that come while a fetch
     * for their key runs share it instead of fetching too.
     */
    @SuppressWarnings("unchecked") // a key names its call, and a call's results are all ApiResult<T>
    <T> CompletableFuture<ApiResult<T>> answer(ApiCall<T> call, String module, Target target,
                                               Supplier<CompletableFuture<ApiResult<T>>> fetch) {
        Key key = new Key(call.label(), module, target.toString());
        CompletableFuture<ApiResult<T>> mine = new CompletableFuture<>();
        Instant started = Instant.now();
        Fetched last;
        long now;
        synchronized (this) {
            now = nanoClock.getAsLong();
            last = lastFetch.get(key);
            if (last != null && now - last.atNanos() < call.reusedFor().toNanos()) {
                return CompletableFuture.completedFuture(((ApiResult<T>) last.result()).reused(last.at()));
            }
            InFlight running = fetching.get(key);
            if (running != null) {
                return ((CompletableFuture<ApiResult<T>>) running.result()).thenApply(result ->
                        result.succeeded() ? result.reused(running.started()) : result);
            }
            fetching.put(key, new InFlight(mine, started));
        }
        fetch.get().thenApply(result -> kept(key, result, last, now, started)).whenComplete((result, bug) -> {
            synchronized (this) {
                fetching.remove(key);
            }
            if (bug != null) {
                mine.completeExceptionally(bug);
            } else {
                mine.complete(result);
            }
        });
        return mine;
    }

    @SuppressWarnings("unchecked")
    private <T> ApiResult<T> kept(Key key, ApiResult<T> result, Fetched last, long now, Instant started) {
        if (result.succeeded()) {
            synchronized (this) {
                lastFetch.put(key, new Fetched(result, now, started));
            }
            return result;
        }
        return last == null ? result : result.keeping(((ApiResult<T>) last.result()).body().orElseThrow());
    }

    /** How many keys the cache holds. */
    synchronized int size() {
        return lastFetch.size();
    }
}
