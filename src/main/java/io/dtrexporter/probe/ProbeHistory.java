package io.dtrexporter.probe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The recent probes, and apart from them the recent failed ones, so that a flood of successes does
 * not push out the failure someone is looking for, and the latest probe of each module and target,
 * so that a target probed less often than the others still has its row on /. Bounded: {@code limit}
 * of each.
 */
public final class ProbeHistory {
    private final int limit;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<ProbeLog> recent = new ArrayDeque<>();
    private final Deque<ProbeLog> failures = new ArrayDeque<>();
    /** In the order last probed: the eldest is the target gone quiet the longest. */
    private final LinkedHashMap<ModuleAndTarget, ProbeLog> latest = new LinkedHashMap<>();

    private record ModuleAndTarget(String module, String target) {
    }

    public ProbeHistory(int limit) {
        this.limit = limit;
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
    }

    /** The last probe of each module and target seen recently, newest first. */
    public synchronized List<ProbeLog> latestPerTarget() {
        List<ProbeLog> logs = new ArrayList<>(latest.values());
        logs.sort(Comparator.comparingLong(ProbeLog::id).reversed());
        return logs;
    }

    /** Every log kept, each once, newest first: those /logs?id= finds. */
    public synchronized List<ProbeLog> kept() {
        Map<Long, ProbeLog> byId = new TreeMap<>(Comparator.reverseOrder());
        Stream.of(recent.stream(), failures.stream(), latest.values().stream()).flatMap(logs -> logs)
                .forEach(log -> byId.put(log.id(), log));
        return new ArrayList<>(byId.values());
    }

    public synchronized Optional<ProbeLog> find(long id) {
        return Stream.of(recent.stream(), failures.stream(), latest.values().stream()).flatMap(logs -> logs)
                .filter(log -> log.id() == id).findFirst();
    }

    private void keep(Deque<ProbeLog> logs, ProbeLog log) {
        logs.addFirst(log);
        while (logs.size() > limit) {
            logs.removeLast();
        }
    }
}
