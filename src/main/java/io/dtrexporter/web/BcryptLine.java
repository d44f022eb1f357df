package io.dtrexporter.web;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where bcrypt checks run: one at a time, first come first served, on a thread of their own, as the
 * exporter-toolkit does. A storm of wrong passwords then costs at most one core, and it holds none
 * of the server's worker threads (/metrics, reload) nor its I/O threads (every other request).
 */
final class BcryptLine implements AutoCloseable {
    /**
     * At cost 10 a check takes ~60 ms: 64 waiting is 4 s of waiting for the last one. More would
     * only answer later than Prometheus waits; the connection cap bounds them anyway.
     */
    static final int MAX_WAITING = 64;

    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread checker = new Thread(runnable, "basic-auth-bcrypt");
                checker.setDaemon(true);
                return checker;
            });

    /** The one thread, or null when {@link #MAX_WAITING} checks are already waiting for it. */
    Executor admit() {
        return thread.getQueue().size() >= MAX_WAITING ? null : thread;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
