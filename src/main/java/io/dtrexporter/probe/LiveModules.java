package io.dtrexporter.probe;

import io.dtrexporter.config.ConfigException;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.FileWatch;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.DtrClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The modules in use, and their reload: the new config is read and checked whole, then swapped in at
 * once; a bad one leaves the running modules alone. The only mutable state is one reference.
 */
public final class LiveModules implements AutoCloseable, Supplier<ProbeModules> {
    private static final Logger LOG = Logger.getLogger(LiveModules.class.getName());
    /** A retired pool closes after the longest probe that may still use it (the bound of its timeout). */
    private static final Duration RETIREMENT_MARGIN = Duration.ofSeconds(5);

    private final Supplier<ExporterConfig> loader;
    private final DtrClient.Shared shared;
    private final ScheduledExecutorService housekeeping;
    private final ReloadListener listener;
    private final AtomicReference<ProbeModules> current;
    /** Replaced pools waiting for their last probes; closed at once if the exporter stops first. */
    private final Set<DtrClient> retiring = ConcurrentHashMap.newKeySet();
    /** Set by close: a reload that comes later (SIGHUP next to SIGTERM, an auto-reload) makes no pools. */
    private boolean closed;

    /** Told of every reload's outcome (the exporter's own metrics). */
    public interface ReloadListener {
        void reloaded(boolean success);
    }

    /**
     * @param loader reads and checks the config; throws {@link ConfigException} when it is invalid
     */
    public LiveModules(Supplier<ExporterConfig> loader, DtrClient.Shared shared, ScheduledExecutorService housekeeping,
                       ReloadListener listener) {
        this(loader.get(), loader, shared, housekeeping, listener);
    }

    /** @param initial the config to start with, already read by {@code loader} */
    public LiveModules(ExporterConfig initial, Supplier<ExporterConfig> loader, DtrClient.Shared shared,
                       ScheduledExecutorService housekeeping, ReloadListener listener) {
        this.loader = loader;
        this.shared = shared;
        this.housekeeping = housekeeping;
        this.listener = listener;
        this.current = new AtomicReference<>(ProbeModules.start(initial, shared));
        listener.reloaded(true);
    }

    @Override
    public ProbeModules get() {
        return current.get();
    }

    /** Reads the config again; returns why it was refused, or empty when it is in use now. */
    public synchronized Optional<String> reload() {
        if (closed) {
            LOG.info("config not reloaded: the exporter is stopping");
            return Optional.of("the exporter is stopping");
        }
        ExporterConfig config;
        try {
            config = loader.get();
        } catch (ConfigException e) {
            listener.reloaded(false);
            LOG.severe(() -> "config not reloaded, the running one stays: " + e.getMessage());
            return Optional.of(e.getMessage());
        }
        ProbeModules old = current.get();
        ProbeModules next = old.next(config, shared);
        current.set(next);
        retire(old.retiredBy(next), old);
        listener.reloaded(true);
        LOG.info(() -> "config reloaded modules=" + String.join(",", config.modules().keySet()));
        return Optional.empty();
    }

    /** Reloads whenever the config file or a file it names changes content. */
    public void watch(Duration interval) {
        FileWatch.every(housekeeping, interval, () -> current.get().config().files(), this::reload);
    }

    private void retire(List<DtrClient> clients, ProbeModules old) {
        if (clients.isEmpty()) {
            return;
        }
        Duration longest = old.config().modules().values().stream().map(ModuleConfig::timeout)
                .max(Duration::compareTo).orElse(ModuleConfig.DEFAULT_TIMEOUT);
        retiring.addAll(clients);
        housekeeping.schedule(() -> clients.forEach(this::closeRetired),
                longest.plus(RETIREMENT_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeRetired(DtrClient client) {
        if (retiring.remove(client)) {
            client.close();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        current.get().close();
        List.copyOf(retiring).forEach(this::closeRetired);
    }
}
