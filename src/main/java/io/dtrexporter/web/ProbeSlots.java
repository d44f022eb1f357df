package io.dtrexporter.web;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * --probe.max-concurrent, without a thread that waits: a probe either gets a slot when it arrives,
 * or waits in a bounded line for one to free up, for a bounded time, and is refused otherwise. The
 * line is FIFO; a probe that leaves it (admitted or refused) is out of it at once.
 */
final class ProbeSlots {
    private final int limit;
    /** More waiting than slots would only turn into refusals a little later. */
    private final int maxWaiting;
    private final ScheduledExecutorService timers;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int taken;

    ProbeSlots(int limit, ScheduledExecutorService timers) {
        this.limit = limit;
        this.maxWaiting = limit;
        this.timers = timers;
    }

    /**
     * Runs {@code admitted} once a slot is this probe's (now, or when one frees up within
     * {@code waitNanos}), else {@code refused}. Whoever runs {@code admitted} must {@link #release()}.
     */
    void acquire(long waitNanos, Runnable admitted, Runnable refused) {
        Runnable now;
        Waiter waiter = null;
        synchronized (this) {
            if (taken < limit) {
                taken++;
                now = admitted;
            } else if (waiting.size() < maxWaiting) {
                waiter = new Waiter(admitted);
                waiting.add(waiter);
                now = null;
            } else {
                now = refused; // the line is full: no use waiting
            }
        }
        if (now != null) {
            now.run();
            return;
        }
        Waiter inLine = waiter;
        inLine.timeout = timers.schedule(() -> {
            if (leave(inLine)) {
                refused.run();
            }
        }, waitNanos, TimeUnit.NANOSECONDS);
    }

    /** Gives the slot to the first probe in line, or frees it. */
    void release() {
        Waiter next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                taken--;
            }
        }
        if (next != null) {
            ScheduledFuture<?> timeout = next.timeout;
            if (timeout != null) {
                timeout.cancel(false);
            }
            next.admitted.run();
        }
    }

    private synchronized boolean leave(Waiter waiter) {
        return waiting.remove(waiter);
    }

    private static final class Waiter {
        final Runnable admitted;
        /** Set once the waiter is in line; a waiter admitted before that has a timer that finds nothing. */
        volatile ScheduledFuture<?> timeout;

        Waiter(Runnable admitted) {
            this.admitted = admitted;
        }
    }
}
