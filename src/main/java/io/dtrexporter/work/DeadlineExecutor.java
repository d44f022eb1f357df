package io.dtrexporter.work;

import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The probes' CPU work (parsing bodies, mapping them to metrics, writing the answer) on a pool of
 * one thread per core, the most urgent deadline first. Work whose deadline has passed when its turn
 * comes is dropped: its {@code expired} action runs instead, which only completes a future, so an
 * overloaded exporter spends its cores on probes that can still be answered in time.
 *
 * <p>The queue has no capacity of its own: what waits in it was submitted by admitted probes (a few
 * tasks each), so --probe.max-concurrent bounds it.
 */
public final class DeadlineExecutor implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    /** Keeps tasks of the same deadline in the order they came. */
    private final AtomicLong arrivals = new AtomicLong();

    public DeadlineExecutor(int threads, String name) {
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new PriorityBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** One thread per core, as the JVM counts them (a container's CPU limit included). */
    public static DeadlineExecutor forCores(String name) {
        return new DeadlineExecutor(Runtime.getRuntime().availableProcessors(), name);
    }

    /**
     * Runs {@code work} before any task of a later deadline, or {@code expired} if its deadline
     * ({@link System#nanoTime()}) has passed by then or the pool is closed.
     */
    public void execute(long deadlineNanos, Runnable work, Runnable expired) {
        try {
            pool.execute(new Task(deadlineNanos, arrivals.incrementAndGet(), work, expired));
        } catch (RejectedExecutionException e) {
            expired.run(); // stopping: the exporter answers no more probes
        }
    }

    @Override
    public void close() {
        pool.shutdownNow().forEach(task -> ((Task) task).expired().run()); // dropped work still ends its probe
    }

    private record Task(long deadline, long arrival, Runnable work, Runnable expired)
            implements Runnable, Comparable<Task> {
        @Override
        public void run() {
            if (System.nanoTime() - deadline > 0) {
                expired.run();
            } else {
                work.run();
            }
        }

        @Override
        public int compareTo(Task other) {
            int byDeadline = Long.signum(deadline - other.deadline); // nanoTime may wrap: compare differences
            return byDeadline != 0 ? byDeadline : Long.compare(arrival, other.arrival);
        }
    }
}
