package io.dtrexporter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The loaded configuration as YAML in exporter.yml's own shape, every secret shown as
 * {@code <secret>}: for /config and the debug output of a probe.
 */
public final class ConfigDisplay {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private ConfigDisplay() {
    }

    public static String yaml(ExporterConfig config) {
        Map<String, Object> modules = new TreeMap<>();
        config.modules().forEach((name, module) -> modules.put(name, settings(module)));
        return write(Map.of("modules", modules));
    }

    /** One module, under its name. */
    public static String yaml(ModuleConfig module) {
        return write(Map.of(module.name(), settings(module)));
    }

    private static Map<String, Object> settings(ModuleConfig module) {
        Map<String, Object> settings = new LinkedHashMap<>();
        module.basicAuth().ifPresent(auth -> {
            Map<String, Object> basic = new LinkedHashMap<>();
            basic.put("username", auth.username());
            basic.put("password", Secret.MASK);
            settings.put("basic_auth", basic);
        });
        Map<String, Object> tls = new LinkedHashMap<>();
        module.tls().caFile().ifPresent(file -> tls.put("ca_file", file.toString()));
        module.tls().clientCertificate().ifPresent(client -> {
            tls.put("cert_file", client.certFile().toString());
            tls.put("key_file", client.keyFile().toString());
        });
        module.tls().serverName().ifPresent(name -> tls.put("server_name", name));
        tls.put("insecure_skip_verify", module.tls().insecureSkipVerify());
        settings.put("tls_config", tls);
        settings.put("allowed_targets", module.allowedTargets().any() ? List.of("*")
                : module.allowedTargets().patterns().stream().map(HostPattern::text).toList());
        settings.put("allow_plain_http", module.allowPlainHttp());
        settings.put("job_count", module.jobCount());
        settings.put("timeout", Durations.format(module.timeout()));
        settings.put("ping", module.ping());
        settings.put("workers", module.workers());
        settings.put("scanning", module.scanning());
        settings.put("crons", module.crons());
        settings.put("version", module.version());
        return settings;
    }

    private static String write(Object tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always writes", e);
        }
    }
}
