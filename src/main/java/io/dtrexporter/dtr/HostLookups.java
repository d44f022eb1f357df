package io.dtrexporter.dtr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Host name lookups off the I/O threads. HttpClient resolves a DTR's name on whichever thread
 * starts a connection: an Undertow I/O thread or one of its own reactor threads. A DNS server that
 * is slow or gone (resolv.conf's default: 5 s per try) would stall every exchange on that thread,
 * the exporter's own /metrics included. So a call first looks its host up here, on a small pool,
 * and HttpClient's {@link DnsResolver} then answers from what that lookup found, at once, never
 * with a lookup of its own.
 *
 * <p>A name found is used for a minute, then looked up again in the background while the last
 * answer stays in use, and kept for ten minutes in all: a DNS outage does not take down the probes
 * of DTRs already known, as it would not have with HttpClient's connections kept alive. Only a host
 * never seen (or not for ten minutes) waits for its lookup.
 */
public final class HostLookups implements DnsResolver {
    /** Threads that may wait on DNS at once; a bad name holds one thread however many probe it. */
    private static final int THREADS = 8;
    /** Lookups of distinct hosts waiting for a thread; beyond it a call fails at once. */
    private static final int MAX_WAITING = 1_000;
    private static final Duration FRESH = Duration.ofMinutes(1);
    private static final Duration KEPT = Duration.ofMinutes(10);
    /** Targets come from query parameters: the kept lookups are bounded like the rest. */
    private static final int MAX_KEPT = 10_000;

    /** The name service; a test's can be slow or fail. */
    @FunctionalInterface
    public interface NameService {
        InetAddress[] allByName(String host) throws UnknownHostException;
    }

    private record Found(InetAddress[] addresses, long foundNanos) {
        boolean youngerThan(long nanos) {
            return System.nanoTime() - foundNanos < nanos;
        }
    }

    private final NameService names;
    private final long freshNanos;
    private final long keptNanos;
    private final ThreadPoolExecutor pool;
    private final Map<String, Found> found = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    public HostLookups() {
        this(InetAddress::getAllByName, FRESH, KEPT);
    }

    public HostLookups(NameService names) {
        this(names, FRESH, KEPT);
    }

    HostLookups(NameService names, Duration fresh, Duration kept) {
        this.names = names;
        this.freshNanos = fresh.toNanos();
        this.keptNanos = kept.toNanos();
        AtomicInteger count = new AtomicInteger();
        // Threads start on demand and end when idle.
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING),
                task -> {
                    Thread thread = new Thread(task, "dns-lookup-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Completes once {@code host} can be connected to: at once for an address or a name found
     * before (a minute-old one is looked up again meanwhile), else when its lookup ends, with the
     * {@link UnknownHostException} if it failed. Completes on a lookup thread when it had to wait.
     */
    CompletableFuture<Void> lookUp(String host) {
        if (isAddress(host)) {
            return CompletableFuture.completedFuture(null);
        }
        Found known = kept(host);
        if (known == null) {
            return lookUpNow(host);
        }
        if (!known.youngerThan(freshNanos)) {
            lookUpNow(host); // the answer so far stays in use; a failed lookup keeps it
        }
        return CompletableFuture.completedFuture(null);
    }

    /** HttpClient's lookup, as a connection starts: what {@link #lookUp} found; it never waits on DNS. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (isAddress(host)) {
            return InetAddress.getAllByName(host); // a literal: parsed, no DNS asked
        }
        Found known = kept(host);
        if (known == null) {
            throw new UnknownHostException(host + ": not looked up before connecting");
        }
        return known.addresses().clone();
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName(); // HttpClient asks only for SPNEGO, which no module uses
    }

    private CompletableFuture<Void> lookUpNow(String host) {
        CompletableFuture<Void> lookup = new CompletableFuture<>();
        CompletableFuture<Void> already = running.putIfAbsent(host, lookup);
        if (already != null) {
            return already;
        }
        // started only once it is in the map, so that its end always takes it out again
        try {
            pool.execute(() -> {
                try {
                    keep(host, names.allByName(host));
                    lookup.complete(null);
                } catch (UnknownHostException | RuntimeException e) {
                    lookup.completeExceptionally(e);
                } finally {
                    running.remove(host, lookup);
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(host, lookup);
            lookup.completeExceptionally(new UnknownHostException(
                    host + ": not looked up, " + MAX_WAITING + " lookups of other hosts are waiting for the DNS"));
        }
        return lookup;
    }

    private Found kept(String host) {
        Found known = found.get(host);
        return known != null && known.youngerThan(keptNanos) ? known : null;
    }

    private void keep(String host, InetAddress[] addresses) {
        if (found.size() >= MAX_KEPT) {
            found.values().removeIf(entry -> !entry.youngerThan(freshNanos));
            if (found.size() >= MAX_KEPT) {
                found.clear(); // a flood of names: the next call of each looks it up again
            }
        }
        found.put(host, new Found(addresses, System.nanoTime()));
    }

    /** IP literals need no lookup (Target writes IPv6 ones in brackets). */
    private static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
