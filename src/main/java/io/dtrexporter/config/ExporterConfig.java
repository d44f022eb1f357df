package io.dtrexporter.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The loaded, validated exporter.yml. Immutable: a reload builds a new one. */
public record ExporterConfig(Path source, Map<String, ModuleConfig> modules) {
    public static final String DEFAULT_MODULE = "default";

    public ExporterConfig {
        modules = Map.copyOf(modules);
    }

    public Optional<ModuleConfig> module(String name) {
        return Optional.ofNullable(modules.get(name));
    }
}
