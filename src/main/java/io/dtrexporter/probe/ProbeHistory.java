package io.dtrexporter.probe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent probes, and apart from them the recent failed ones, so that a flood of successes does
 * not push out the failure someone is looking for. Bounded: {@code limit} of each.
 */
public final class ProbeHistory {
    private final int limit;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<ProbeLog> recent = new ArrayDeque<>();
    private final Deque<ProbeLog> failures = new ArrayDeque<>();

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
    }

    /** Newest first. */
    public synchronized List<ProbeLog> recent() {
        return new ArrayList<>(recent);
    }

    /** Newest first. */
    public synchronized List<ProbeLog> failures() {
        return new ArrayList<>(failures);
    }

    public synchronized Optional<ProbeLog> find(long id) {
        return recent.stream().filter(log -> log.id() == id).findFirst()
                .or(() -> failures.stream().filter(log -> log.id() == id).findFirst());
    }

    private void keep(Deque<ProbeLog> logs, ProbeLog log) {
        logs.addFirst(log);
        while (logs.size() > limit) {
            logs.removeLast();
        }
    }
}
