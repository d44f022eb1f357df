package io.dtrexporter.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a config consists of: the config file, and every file it names, resolved against the
 * config file's folder. The list tells a reload what to watch.
 */
final class ConfigFiles {
    private final Path folder;
    private final List<Path> files = new ArrayList<>();

    ConfigFiles(Path configFile) {
        Path parent = configFile.toAbsolutePath().getParent();
        this.folder = parent == null ? Path.of(".") : parent;
        files.add(configFile);
    }

    /** A path named in the config, relative to its folder unless absolute. */
    Path resolve(String path) {
        Path resolved = folder.resolve(path).normalize();
        files.add(resolved);
        return resolved;
    }

    List<Path> all() {
        return List.copyOf(files);
    }
}
