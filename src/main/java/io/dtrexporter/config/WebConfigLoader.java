package io.dtrexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code --web.config.file}; every problem names the file and the YAML path. */
public final class WebConfigLoader {
    private static final Set<String> TOP_KEYS = Set.of("tls_server_config", "basic_auth_users");
    private static final Set<String> TLS_KEYS =
            Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version");
    /** bcrypt as htpasswd -nbB, Python's bcrypt and Go's x/crypto write it. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");

    private final Path file;
    private final ConfigFiles files;

    private WebConfigLoader(Path file) {
        this.file = file;
        this.files = new ConfigFiles(file);
    }

    public static WebConfig load(Path file) {
        WebConfigLoader loader = new WebConfigLoader(file);
        try {
            return loader.parse(YamlDocument.read(file));
        } catch (ConfigException e) {
            throw new ConfigException("web config file " + file + ": " + e.getMessage());
        }
    }

    private WebConfig parse(JsonNode tree) {
        YamlNode root = YamlNode.root(tree);
        if (!tree.isObject()) {
            throw new ConfigException("must be a YAML mapping");
        }
        root.mappingOf(TOP_KEYS);
        Optional<WebConfig.TlsServer> tls = tls(root.get("tls_server_config"));
        Map<String, Secret<String>> users = users(root.get("basic_auth_users"));
        return new WebConfig(file, tls, users, files.all());
    }

    private Optional<WebConfig.TlsServer> tls(YamlNode node) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        node.mappingOf(TLS_KEYS);
        YamlNode certNode = node.get("cert_file");
        YamlNode keyNode = node.get("key_file");
        Path certFile = file(certNode.requiredString());
        Path keyFile = file(keyNode.requiredString());
        List<X509Certificate> chain = PemFiles.certificates(certFile, certNode.path());
        PrivateKey key = PemFiles.privateKey(keyFile, keyNode.path());
        PemFiles.checkKeyMatchesCertificate(key, keyFile, chain.get(0), certFile, keyNode.path());

        YamlNode authNode = node.get("client_auth_type");
        String authName = authNode.string().orElse(WebConfig.ClientAuth.NO_CLIENT_CERT.yamlName());
        WebConfig.ClientAuth clientAuth = Arrays.stream(WebConfig.ClientAuth.values())
                .filter(mode -> mode.yamlName().equals(authName)).findFirst()
                .orElseThrow(() -> authNode.problem("\"" + authName + "\" is not one of " + Arrays.stream(
                        WebConfig.ClientAuth.values()).map(WebConfig.ClientAuth::yamlName).toList()));
        YamlNode caNode = node.get("client_ca_file");
        List<X509Certificate> clientCas = caNode.string()
                .map(ca -> PemFiles.certificates(file(ca), caNode.path())).orElse(List.of());
        if (clientAuth.verified() && clientCas.isEmpty()) {
            throw caNode.problem("is required when client_auth_type is " + authName);
        }
        return Optional.of(new WebConfig.TlsServer(chain, new Secret<>(key), clientAuth, clientCas,
                protocols(node.get("min_version"), node.get("max_version"))));
    }

    /** The JSSE protocol names from min_version to max_version (default TLS12 to TLS13). */
    private static List<String> protocols(YamlNode minNode, YamlNode maxNode) {
        int min = version(minNode, "TLS12");
        int max = version(maxNode, "TLS13");
        if (min > max) {
            throw minNode.problem("is above max_version");
        }
        List<String> protocols = new ArrayList<>();
        for (int i = min; i <= max; i++) {
            protocols.add("TLSv1." + i);
        }
        return protocols;
    }

    private static int version(YamlNode node, String fallback) {
        String name = node.string().orElse(fallback);
        int index = VERSIONS.indexOf(name);
        if (index < 0) {
            throw node.problem("\"" + name + "\" is not one of " + VERSIONS);
        }
        return index; // TLS10 -> TLSv1.0 ... TLS13 -> TLSv1.3
    }

    private static Map<String, Secret<String>> users(YamlNode node) {
        Map<String, Secret<String>> users = new LinkedHashMap<>();
        if (node.isAbsent()) {
            return users;
        }
        node.entries().forEach((user, hashNode) -> {
            if (user.isEmpty() || user.contains(":")) {
                throw hashNode.problem("a user name must not be empty or contain ':'");
            }
            String hash = hashNode.requiredString();
            if (!BCRYPT.matcher(hash).matches()) {
                // the value is not shown: someone may have put a plain password here
                throw hashNode.problem("is not a bcrypt hash ($2y$, $2b$ or $2a$, as htpasswd -nbB writes)");
            }
            users.put(user, new Secret<>(hash));
        });
        return users;
    }

    private Path file(String path) {
        return files.resolve(path);
    }
}
