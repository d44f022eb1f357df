package io.dtrexporter.probe;

import io.dtrexporter.config.ConfigException;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.FileFingerprint;
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
    private final String userAgent;
    private final ScheduledExecutorService deadlines;
    private final ScheduledExecutorService housekeeping;
    private final ReloadListener listener;
    private final AtomicReference<Loaded> current;
    /** Replaced pools waiting for their last probes; closed at once if the exporter stops first. */
    private final Set<DtrClient> retiring = ConcurrentHashMap.newKeySet();

    private record Loaded(ProbeModules modules, String fingerprint) {
    }

    /** Told of every reload's outcome (the exporter's own metrics). */
    public interface ReloadListener {
        void reloaded(boolean success);
    }

    /**
     * @param loader reads and checks the config; throws {@link ConfigException} when it is invalid
     */
    public LiveModules(Supplier<ExporterConfig> loader, String userAgent, ScheduledExecutorService deadlines,
                       ScheduledExecutorService housekeeping, ReloadListener listener) {
        this.loader = loader;
        this.userAgent = userAgent;
        this.deadlines = deadlines;
        this.housekeeping = housekeeping;
        this.listener = listener;
        ExporterConfig config = loader.get();
        this.current = new AtomicReference<>(
                new Loaded(ProbeModules.start(config, userAgent, deadlines), FileFingerprint.of(config.files())));
        listener.reloaded(true);
    }

    @Override
    public ProbeModules get() {
        return current.get().modules();
    }

    /** Reads the config again; returns why it was refused, or empty when it is in use now. */
    public synchronized Optional<String> reload() {
        ExporterConfig config;
        try {
            config = loader.get();
        } catch (ConfigException e) {
            listener.reloaded(false);
            LOG.severe(() -> "config not reloaded, the running one stays: " + e.getMessage());
            return Optional.of(e.getMessage());
        }
        Loaded old = current.get();
        ProbeModules next = old.modules().next(config, userAgent, deadlines);
        current.set(new Loaded(next, FileFingerprint.of(config.files())));
        retire(old.modules().retiredBy(next), old.modules());
        listener.reloaded(true);
        LOG.info(() -> "config reloaded modules=" + String.join(",", config.modules().keySet()));
        return Optional.empty();
    }

    /** Reloads whenever the config file or a file it names changes content. */
    public void watch(Duration interval) {
        housekeeping.scheduleWithFixedDelay(() -> {
            Loaded loaded = current.get();
            String now = FileFingerprint.of(loaded.modules().config().files());
            if (!now.equals(loaded.fingerprint())) {
                if (reload().isPresent()) {
                    // do not retry the same broken content every interval
                    current.compareAndSet(loaded, new Loaded(loaded.modules(), now));
                }
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
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
    public void close() {
        current.get().modules().close();
        List.copyOf(retiring).forEach(this::closeRetired);
    }
}
