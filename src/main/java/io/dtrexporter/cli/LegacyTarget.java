package io.dtrexporter.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dtrexporter.config.Durations;
import io.dtrexporter.dtr.InvalidTargetException;
import io.dtrexporter.dtr.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The single DTR of the old exporter's flags (--connection-string, --dtr-ca, ...): it becomes module
 * {@code default}, and /metrics probes it on every scrape as the old exporter did.
 */
record LegacyTarget(String connectionString, Optional<String> caFile, Optional<String> certFile,
                    Optional<String> keyFile, Optional<String> username, Optional<String> password,
                    boolean enableTls, Duration timeout, int jobCount) {

    /** Said in the old exporter's words: the YAML path of basic_auth would mean nothing to its user. */
    LegacyTarget {
        if (username.isPresent() && password.isEmpty()) {
            throw new UsageException("--dtr-password / DTR_PASSWORD is missing (--dtr-username / DTR_USERNAME is set)");
        }
        if (password.isPresent() && username.isEmpty()) {
            throw new UsageException("--dtr-username / DTR_USERNAME is missing (--dtr-password / DTR_PASSWORD is set)");
        }
    }

    /** The module in exporter.yml's shape, so that the config loader checks it like any other. */
    ObjectNode module() {
        Target target = parsedTarget();
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode module = json.objectNode();
        // the constructor refused one without the other
        username.ifPresent(user -> module.putObject("basic_auth").put("username", user).put("password", password.orElseThrow()));
        ObjectNode tls = json.objectNode();
        // the old flags named files relative to the working folder, not to a config file
        caFile.ifPresent(file -> tls.put("ca_file", absolute(file)));
        certFile.ifPresent(file -> tls.put("cert_file", absolute(file)));
        keyFile.ifPresent(file -> tls.put("key_file", absolute(file)));
        if (!tls.isEmpty()) {
            module.set("tls_config", tls);
        }
        // the credentials may go to the DTR the operator named, and nowhere else
        module.putArray("allowed_targets").add(target.host() + ":" + target.port());
        module.put("allow_plain_http", !enableTls);
        module.put("job_count", jobCount);
        module.put("timeout", Durations.format(timeout));
        return module;
    }

    /** What /metrics probes: the connection string, https unless --enable-tls=false says http. */
    String target() {
        return connectionString.contains("://") || enableTls ? connectionString : "http://" + connectionString;
    }

    Target parsedTarget() {
        try {
            return Target.parse(target());
        } catch (InvalidTargetException e) {
            throw new UsageException("--connection-string: " + e.getMessage());
        }
    }

    private static String absolute(String file) {
        return Path.of(file).toAbsolutePath().normalize().toString();
    }
}
