package io.dtrexporter.config;

/**
 * A configuration the exporter cannot run with. The message names the YAML path of the offending
 * value and what is wrong with it, e.g. {@code modules.prod.timeout: "ten" is not a duration}.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String yamlPath, String problem) {
        super(yamlPath.isEmpty() ? problem : yamlPath + ": " + problem);
    }

    public ConfigException(String message) {
        super(message);
    }
}
