package io.dtrexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Reads exporter.yml into an {@link ExporterConfig}, checking every value and every file it names.
 * Relative paths resolve against the config file's folder. Any problem is a {@link ConfigException}
 * whose message starts with the file and the YAML path.
 */
public final class ConfigLoader {
    private static final Set<String> TOP_KEYS = Set.of("modules");
    private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());
    private static final Set<String> MODULE_KEYS = Set.of("basic_auth", "tls_config", "allowed_targets",
            "allow_plain_http", "job_count", "timeout", "ping", "workers", "scanning", "crons",
            "version");
    private static final Set<String> BASIC_AUTH_KEYS = Set.of("username", "password", "password_file");
    private static final Set<String> TLS_KEYS =
            Set.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify");

    private final Path file;
    private final ConfigFiles files;

    private ConfigLoader(Path file) {
        this.file = file;
        this.files = new ConfigFiles(file);
    }

    public static ExporterConfig load(Path file) {
        ConfigLoader loader = new ConfigLoader(file);
        try {
            return loader.parse(YamlDocument.read(file));
        } catch (ConfigException e) {
            throw new ConfigException("config file " + file + ": " + e.getMessage());
        }
    }

    /**
     * The config file, when there is one, plus a module given in exporter.yml's shape by another
     * source (the old exporter's flags), checked like the file's own modules.
     *
     * @param fileRequired false when a missing file means no modules rather than an error
     * @param origin       names the other source in error messages
     */
    public static ExporterConfig load(Path file, boolean fileRequired, String moduleName, JsonNode module,
                                      String origin) {
        ExporterConfig fromFile = fileRequired || Files.exists(file) ? load(file)
                : new ExporterConfig(file, Map.of(), List.of(file));
        if (fromFile.modules().containsKey(moduleName)) {
            if (fileRequired) {
                throw new ConfigException("config file " + file + ": modules." + moduleName + ": the name is taken by "
                        + origin + "; rename the module in the file");
            }
            // a file nobody named (an image's example, say) gives way to what the operator did name
            LOG.warning(() -> "config file " + file + ": modules." + moduleName + " is replaced by " + origin);
        }
        ConfigLoader loader = new ConfigLoader(file);
        ModuleConfig extra;
        try {
            extra = loader.module(moduleName, new YamlNode(module, "modules." + moduleName));
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
        Map<String, ModuleConfig> modules = new LinkedHashMap<>(fromFile.modules());
        modules.put(moduleName, extra); // replaces the file's module of that name, see above
        List<Path> files = new ArrayList<>(fromFile.files());
        files.addAll(loader.files.all().subList(1, loader.files.all().size()));
        return new ExporterConfig(file, modules, files);
    }

    private ExporterConfig parse(JsonNode tree) {
        YamlNode root = YamlNode.root(tree);
        if (root.isAbsent() || !tree.isObject()) {
            throw new ConfigException("must be a YAML mapping with a \"modules\" key");
        }
        YamlNode modulesNode = root.mappingOf(TOP_KEYS).get("modules");
        Map<String, ModuleConfig> modules = new LinkedHashMap<>();
        if (!modulesNode.isAbsent()) {
            modulesNode.entries().forEach((name, node) -> modules.put(name, module(name, node)));
        }
        return new ExporterConfig(file, modules, files.all());
    }

    private ModuleConfig module(String name, YamlNode node) {
        if (name.isBlank()) {
            throw new ConfigException("modules", "a module name must not be empty");
        }
        YamlNode module = node.isAbsent() ? node : node.mappingOf(MODULE_KEYS);
        Optional<BasicAuth> basicAuth = basicAuth(module.get("basic_auth"));
        TlsConfig tls = tls(module.get("tls_config"));
        boolean credentials = basicAuth.isPresent() || tls.clientCertificate().isPresent();
        if (tls.insecureSkipVerify()) {
            LOG.warning(() -> "module " + name + " has insecure_skip_verify: true: any certificate is accepted,"
                    + " so anyone between the exporter and the DTR can read its requests");
        }
        return new ModuleConfig(
                name,
                basicAuth,
                tls,
                allowedTargets(name, module.get("allowed_targets"), credentials),
                module.get("allow_plain_http").bool(false),
                module.get("job_count").integer(ModuleConfig.DEFAULT_JOB_COUNT, 0, ModuleConfig.MAX_JOB_COUNT),
                module.get("timeout").positiveDuration(ModuleConfig.DEFAULT_TIMEOUT),
                module.get("ping").bool(true),
                module.get("workers").bool(true),
                module.get("scanning").bool(true),
                module.get("crons").bool(true),
                module.get("version").bool(true));
    }

    private static AllowedTargets allowedTargets(String module, YamlNode node, boolean credentials) {
        if (node.isAbsent()) {
            if (credentials) {
                throw node.problem("is required for a module with credentials (basic_auth or a client "
                        + "certificate): list the DTR hosts they may be sent to, e.g. [dtr.example.com, "
                        + "\"*.dtr.example.com:443\"]");
            }
            return AllowedTargets.ANY;
        }
        List<String> entries = node.stringList();
        if (entries.isEmpty()) {
            throw node.problem("must list at least one host pattern");
        }
        if (entries.contains("*")) {
            if (entries.size() > 1) {
                throw node.problem("\"*\" allows every target; it cannot be combined with other patterns");
            }
            if (credentials) {
                LOG.warning(() -> "module " + module + " has allowed_targets [\"*\"]: whoever can reach /probe"
                        + " can make the exporter send its credentials to any host");
            }
            return AllowedTargets.ANY;
        }
        List<HostPattern> patterns = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                patterns.add(HostPattern.parse(entries.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(node.path() + "[" + i + "]", e.getMessage());
            }
        }
        return new AllowedTargets(patterns, false);
    }

    private Optional<BasicAuth> basicAuth(YamlNode node) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        node.mappingOf(BASIC_AUTH_KEYS);
        String username = node.get("username").requiredString();
        Optional<String> password = node.get("password").string();
        Optional<String> passwordFile = node.get("password_file").filePath();
        if (password.isPresent() && passwordFile.isPresent()) {
            throw node.problem("give password or password_file, not both");
        }
        String secret = passwordFile.isPresent()
                ? readPasswordFile(resolve(passwordFile.get()), node.get("password_file").path())
                : password.orElseThrow(() -> node.problem("password or password_file is required"));
        if (secret.isEmpty()) {
            // YAML reads an unquoted *word as an alias and !word as a tag: such a password arrives empty
            throw (passwordFile.isPresent() ? node.get("password_file") : node.get("password")).problem(
                    "is empty; a password starting with *, !, &, @ or another YAML sign must be quoted");
        }
        return Optional.of(new BasicAuth(username, new Secret<>(secret)));
    }

    private String readPasswordFile(Path path, String yamlPath) {
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            // editors and `echo` end files with a newline that is not part of the password
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException e) {
            throw new ConfigException(yamlPath, "cannot read " + path + ": " + IoMessages.describe(e));
        }
    }

    private TlsConfig tls(YamlNode node) {
        if (node.isAbsent()) {
            return TlsConfig.DEFAULT;
        }
        node.mappingOf(TLS_KEYS);
        YamlNode caNode = node.get("ca_file");
        Optional<Path> caFile = caNode.filePath().map(this::resolve);
        List<X509Certificate> cas = caFile.map(f -> PemFiles.certificates(f, caNode.path())).orElse(List.of());
        return new TlsConfig(
                caFile,
                cas,
                clientCertificate(node),
                node.get("server_name").string().filter(s -> !s.isEmpty()),
                node.get("insecure_skip_verify").bool(false));
    }

    private Optional<TlsConfig.ClientCertificate> clientCertificate(YamlNode tls) {
        YamlNode certNode = tls.get("cert_file");
        YamlNode keyNode = tls.get("key_file");
        Optional<String> cert = certNode.filePath();
        Optional<String> key = keyNode.filePath();
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty()) {
            throw certNode.problem("is required when key_file is given");
        }
        if (key.isEmpty()) {
            throw keyNode.problem("is required when cert_file is given");
        }
        Path certFile = resolve(cert.get());
        Path keyFile = resolve(key.get());
        List<X509Certificate> chain = PemFiles.certificates(certFile, certNode.path());
        PrivateKey privateKey = PemFiles.privateKey(keyFile, keyNode.path());
        PemFiles.checkKeyMatchesCertificate(privateKey, keyFile, chain.get(0), certFile, keyNode.path());
        return Optional.of(new TlsConfig.ClientCertificate(certFile, keyFile, chain, new Secret<>(privateKey)));
    }

    private Path resolve(String path) {
        return files.resolve(path);
    }

    /**
     * A duplicate key is named by its YAML path. Other syntax errors keep only the problem's name:
     * SnakeYAML quotes the offending line and Jackson the offending value, either may be a password.
     */
}
