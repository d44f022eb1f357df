package io.dtrexporter.probe;

import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.DtrClient;
import java.io.Closeable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The loaded modules, each with the connection pool its probes share, and the reused answers (DTR versions) their
 * probes read: those last only as long as this set of modules, so a reload drops them.
 */
public final class ProbeModules implements Closeable {
    private final ExporterConfig config;
    private final Map<String, Module> modules;

    /** A module's settings, its DTR client, and the reused answers that all modules of this set share. */
    public record Module(ModuleConfig config, DtrClient client, ReusedAnswers reusedAnswers) {
    }

    private ProbeModules(ExporterConfig config, Map<String, Module> modules) {
        this.config = config;
        this.modules = modules;
    }

    public static ProbeModules start(ExporterConfig config, DtrClient.Shared shared) {
        return new ProbeModules(config, Map.of()).next(config, shared);
    }

    /**
     * The modules of {@code config}: a module whose settings did not change keeps its client and
     * connection pool; the others get new ones. The clients this set has and the new one does not
     * are for the caller to close once their probes end ({@link #retiredBy}).
     */
    public ProbeModules next(ExporterConfig config, DtrClient.Shared shared) {
        Map<String, Module> next = new LinkedHashMap<>();
        ReusedAnswers reusedAnswers = new ReusedAnswers();
        config.modules().forEach((name, settings) -> {
            Module unchanged = modules.get(name);
            next.put(name, new Module(settings, unchanged != null && unchanged.config().equals(settings)
                    ? unchanged.client() : new DtrClient(settings, shared), reusedAnswers));
        });
        return new ProbeModules(config, Map.copyOf(next));
    }

    /** The clients of this set that {@code successor} does not use. */
    public List<DtrClient> retiredBy(ProbeModules successor) {
        Set<DtrClient> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        successor.modules.values().forEach(module -> kept.add(module.client()));
        return modules.values().stream().map(Module::client).filter(client -> !kept.contains(client)).toList();
    }

    /** Each module's name and client, for the pool metrics. */
    public Map<String, DtrClient> clients() {
        Map<String, DtrClient> clients = new LinkedHashMap<>();
        modules.forEach((name, module) -> clients.put(name, module.client()));
        return clients;
    }

    public Optional<Module> module(String name) {
        return Optional.ofNullable(modules.get(name));
    }

    public ExporterConfig config() {
        return config;
    }

    @Override
    public void close() {
        modules.values().forEach(module -> module.client().close());
    }
}
