package io.dtrexporter.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The loaded, validated exporter.yml. Immutable: a reload builds a new one.
 *
 * @param files the config file and every file it names (CAs, certificates, keys, password files),
 *              whose change calls for a reload
 */
public record ExporterConfig(Path source, Map<String, ModuleConfig> modules, List<Path> files) {
    public static final String DEFAULT_MODULE = "default";

    public ExporterConfig {
        modules = Map.copyOf(modules);
        files = List.copyOf(files);
    }

    /** The same files with other modules, e.g. the demo's added. */
    public ExporterConfig withModules(Map<String, ModuleConfig> otherModules) {
        return new ExporterConfig(source, otherModules, files);
    }

    public Optional<ModuleConfig> module(String name) {
        return Optional.ofNullable(modules.get(name));
    }
}
