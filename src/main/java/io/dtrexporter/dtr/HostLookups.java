package io.dtrexporter.dtr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Host name lookups off the I/O threads. HttpClient resolves a DTR's name on whichever thread
 * starts a connection: an Undertow I/O thread or one of its own reactor threads. A DNS server that
 * is slow or gone (resolv.conf's default: 5 s per try) would stall every exchange on that thread,
 * the exporter's own /metrics included. So a call first looks its host up here, on a small pool,
 * and HttpClient's {@link DnsResolver} then answers from what that lookup found, at once.
 *
 * <p>How long a name stays valid is the JVM's business (its address cache: 30 s); this class keeps
 * a lookup only long enough to hand it to HttpClient, and lets concurrent calls to one host share it.
 */
public final class HostLookups implements DnsResolver {
    /** Threads that may wait on DNS at once; a bad name holds one thread however many probe it. */
    private static final int THREADS = 8;
    private static final long KEPT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Targets come from query parameters: the kept lookups are bounded like the rest. */
    private static final int MAX_KEPT = 10_000;

    /** The name service; a test's can be slow. */
    @FunctionalInterface
    public interface NameService {
        InetAddress[] allByName(String host) throws UnknownHostException;
    }

    private record Found(InetAddress[] addresses, long expiresNanos) {
        boolean fresh() {
            return expiresNanos - System.nanoTime() > 0;
        }
    }

    private final NameService names;
    private final ThreadPoolExecutor pool;
    private final Map<String, Found> found = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    public HostLookups() {
        this(InetAddress::getAllByName);
    }

    public HostLookups(NameService names) {
        this.names = names;
        AtomicInteger count = new AtomicInteger();
        // Threads start on demand and end when idle; the queue holds at most one lookup per host in flight.
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "dns-lookup-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Completes once {@code host} has been looked up (at once for an address or a recent lookup),
     * or with the {@link UnknownHostException}. Completes on a lookup thread when it had to wait.
     */
    CompletableFuture<Void> lookUp(String host) {
        if (isAddress(host) || fresh(host) != null) {
            return CompletableFuture.completedFuture(null);
        }
        return running.computeIfAbsent(host, name -> {
            CompletableFuture<Void> lookup = new CompletableFuture<>();
            pool.execute(() -> {
                try {
                    keep(name, names.allByName(name));
                    lookup.complete(null);
                } catch (UnknownHostException | RuntimeException e) {
                    lookup.completeExceptionally(e);
                } finally {
                    running.remove(name, lookup);
                }
            });
            return lookup;
        });
    }

    /** HttpClient's lookup, as a connection starts: what {@link #lookUp} found, else a lookup here. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Found recent = fresh(host);
        return recent != null ? recent.addresses().clone() : names.allByName(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName(); // HttpClient asks only for SPNEGO, which no module uses
    }

    private Found fresh(String host) {
        Found recent = found.get(host);
        return recent != null && recent.fresh() ? recent : null;
    }

    private void keep(String host, InetAddress[] addresses) {
        if (found.size() >= MAX_KEPT) {
            found.values().removeIf(entry -> !entry.fresh());
            if (found.size() >= MAX_KEPT) {
                found.clear(); // a flood of names: they are only a head start for HttpClient
            }
        }
        found.put(host, new Found(addresses, System.nanoTime() + KEPT_NANOS));
    }

    /** IP literals need no lookup (Target writes IPv6 ones in brackets). */
    private static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
