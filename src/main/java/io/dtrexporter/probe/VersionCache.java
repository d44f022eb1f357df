package io.dtrexporter.probe;

import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.dtr.model.DtrVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The DTR versions last read from /api/v0/docs.json, by module and target. The document is hundreds
 * of KB and changes only on an upgrade, so a probe fetches it only when the last successful fetch
 * for its module and target is {@link #REFETCH_INTERVAL} old; the probes in between repeat that
 * answer, and probes that come during a fetch share it. A failed fetch fails the call but keeps the
 * version seen before. Bounded to the {@link #MAX_TARGETS} most recently probed keys (targets come
 * from query parameters); a reload starts a new cache ({@link ProbeModules#next}).
 */
public final class VersionCache {
    public static final Duration REFETCH_INTERVAL = Duration.ofMinutes(30);
    public static final int MAX_TARGETS = 10_000;

    private record Key(String module, String target) {
    }

    /** A successful fetch, and when it started: by the monotonic clock for the interval, as a time for the log. */
    private record Fetched(ApiResult<DtrVersion> result, long atNanos, Instant at) {
    }

    /** A fetch running now, which probes of the same key wait for. */
    private record InFlight(CompletableFuture<ApiResult<DtrVersion>> result, Instant started) {
    }

    private final LongSupplier nanoClock;
    private final int maxTargets;
    /** Guarded by this, as {@link #fetching} is. */
    private final Map<Key, Fetched> lastFetch;
    /** The fetches running now: at most one per key, as many keys as probes run at once. */
    private final Map<Key, InFlight> fetching = new HashMap<>();

    public VersionCache() {
        this(System::nanoTime, MAX_TARGETS);
    }

    /** @param nanoClock a monotonic clock in nanoseconds: a wall clock set back must not delay a refetch */
    VersionCache(LongSupplier nanoClock, int maxTargets) {
        this.nanoClock = nanoClock;
        this.maxTargets = maxTargets;
        this.lastFetch = new LinkedHashMap<>(16, 0.75f, true) { // access order: the least recent goes first
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Fetched> eldest) {
                return size() > VersionCache.this.maxTargets;
            }
        };
    }

    /**
     * The version call's outcome for this probe: the last answer again while it is fresh, else what
     * {@code fetch} brings, kept for the next probes when it succeeds. Probes that come while a fetch
     * for their key runs share it instead of fetching too.
     */
    CompletableFuture<ApiResult<DtrVersion>> answer(String module, Target target,
                                                    Supplier<CompletableFuture<ApiResult<DtrVersion>>> fetch) {
        Key key = new Key(module, target.toString());
        CompletableFuture<ApiResult<DtrVersion>> mine = new CompletableFuture<>();
        Instant started = Instant.now();
        Fetched last;
        long now;
        synchronized (this) {
            now = nanoClock.getAsLong();
            last = lastFetch.get(key);
            if (last != null && now - last.atNanos() < REFETCH_INTERVAL.toNanos()) {
                return CompletableFuture.completedFuture(last.result().reused(last.at()));
            }
            InFlight running = fetching.get(key);
            if (running != null) {
                return running.result().thenApply(result ->
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

    private ApiResult<DtrVersion> kept(Key key, ApiResult<DtrVersion> result, Fetched last, long now, Instant started) {
        if (result.succeeded()) {
            synchronized (this) {
                lastFetch.put(key, new Fetched(result, now, started));
            }
            return result;
        }
        return last == null ? result : result.keeping(last.result().body().orElseThrow());
    }

    /** How many keys the cache holds. */
    synchronized int size() {
        return lastFetch.size();
    }
}
