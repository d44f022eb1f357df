package io.dtrexporter.probe;

import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.DtrClient;
import java.io.Closeable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The loaded modules, each with the connection pool its probes share. */
public final class ProbeModules implements Closeable {
    private final ExporterConfig config;
    private final Map<String, Module> modules;

    /** A module's settings and its DTR client. */
    public record Module(ModuleConfig config, DtrClient client) {
    }

    private ProbeModules(ExporterConfig config, Map<String, Module> modules) {
        this.config = config;
        this.modules = modules;
    }

    public static ProbeModules start(ExporterConfig config, String userAgent, ScheduledExecutorService deadlines) {
        Map<String, Module> modules = new LinkedHashMap<>();
        config.modules().forEach((name, module) ->
                modules.put(name, new Module(module, new DtrClient(module, userAgent, deadlines))));
        return new ProbeModules(config, Map.copyOf(modules));
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
