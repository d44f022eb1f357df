package io.dtrexporter.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The recent probes, and apart from them the recent failed ones, so that a flood of successes does
 * not push out the failure someone is looking for, and the latest probe of each module and target,
 * so that a target probed less often than the others still has its log. Bounded: {@code limit} of
 * each.
 * <p>
 * Apart from those logs, the rows of /: the last probe of each module and target, without its log
 * lines, for up to {@value #TARGET_ROWS} of them and an hour. With the logs' bound alone, an
 * exporter of 1,000 DTRs kept the rows of the last 100 probed, and a DTR that went down left the
 * page within seconds.
 */
public final class ProbeHistory {
    /** Five modules' worth of 1,000 DTRs; a row costs a few hundred bytes. */
    public static final int TARGET_ROWS = 5_000;
    /** A target not probed for this long is gone: its DTR was removed from Prometheus' list. */
    public static final Duration ROW_AGE = Duration.ofHours(1);
    /** Failure details of a row are cut here: the page shows less, the log has them whole. */
    static final int ROW_DETAIL_CHARS = 200;

    private final int limit;
    private final int targetRows;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<ProbeLog> recent = new ArrayDeque<>();
    private final Deque<ProbeLog> failures = new ArrayDeque<>();
    /** In the order last probed: the eldest is the target gone quiet the longest. */
    private final LinkedHashMap<ModuleAndTarget, ProbeLog> latest = new LinkedHashMap<>();
    /** The same order; slim logs (no lines). */
    private final LinkedHashMap<ModuleAndTarget, ProbeLog> rows = new LinkedHashMap<>();

    private record ModuleAndTarget(String module, String target) {
    }

    public ProbeHistory(int limit) {
        this(limit, TARGET_ROWS, Clock.systemUTC());
    }

    ProbeHistory(int limit, int targetRows, Clock clock) {
        this.limit = limit;
        this.targetRows = targetRows;
        this.clock = clock;
    }

    public long nextId() {
        return ids.incrementAndGet();
    }

    public synchronized void add(ProbeLog log) {
        keep(recent, log);
        if (!log.success()) {
            keep(failures, log);
        }
        ModuleAndTarget key = new ModuleAndTarget(log.module(), log.target());
        latest.remove(key); // so that put moves it to the newest end
        latest.put(key, log);
        if (latest.size() > limit) {
            latest.remove(latest.keySet().iterator().next());
        }
        rows.remove(key);
        rows.put(key, slim(log));
        if (rows.size() > targetRows) {
            rows.remove(rows.keySet().iterator().next());
        }
    }

    /**
     * The last probe of each module and target probed within {@link #ROW_AGE}, newest first, without
     * its lines; its log may be gone ({@link #find}).
     */
    public synchronized List<ProbeLog> latestPerTarget() {
        Instant oldest = clock.instant().minus(ROW_AGE);
        // in the order last probed, so the rows gone stale are the first ones
        for (Iterator<ProbeLog> eldest = rows.values().iterator(); eldest.hasNext() && eldest.next().time().isBefore(oldest); ) {
            eldest.remove();
        }
        List<ProbeLog> latestRows = new ArrayList<>(rows.values());
        latestRows.sort(Comparator.comparingLong(ProbeLog::id).reversed());
        return latestRows;
    }

    private static ProbeLog slim(ProbeLog log) {
        return new ProbeLog(log.id(), log.time(), log.module(), log.target(), log.success(), log.duration(),
                log.failedCalls().stream().map(call -> call.detail().length() <= ROW_DETAIL_CHARS ? call
                        : new ProbeLog.FailedCall(call.api(), call.reason(), call.detail().substring(0, ROW_DETAIL_CHARS)))
                        .toList(), List.of());
    }

    /** Every log kept, each once, newest first: those /logs?id= finds. */
    public synchronized List<ProbeLog> kept() {
        Map<Long, ProbeLog> byId = new TreeMap<>(Comparator.reverseOrder());
        logs()
                .forEach(log -> byId.put(log.id(), log));
        return new ArrayList<>(byId.values());
    }

    /** The ids {@link #find} finds. */
    public synchronized Set<Long> keptIds() {
        Set<Long> ids = new HashSet<>();
        logs()
                .forEach(log -> ids.add(log.id()));
        return ids;
    }

    public synchronized Optional<ProbeLog> find(long id) {
        return logs()
                .filter(log -> log.id() == id).findFirst();
    }

    /** Every log kept, a log twice when it is both recent and failed or its target's last. */
    private Stream<ProbeLog> logs() {
        return Stream.of(recent.stream(), failures.stream(), latest.values().stream()).flatMap(logs -> logs);
    }

    private void keep(Deque<ProbeLog> logs, ProbeLog log) {
        logs.addFirst(log);
        while (logs.size() > limit) {
            logs.removeLast();
        }
    }
}
