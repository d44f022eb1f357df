package io.dtrexporter.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --web.config.file}: how the exporter's own endpoints are protected, in the format of the
 * Prometheus exporter-toolkit (tls_server_config, basic_auth_users).
 *
 * @param basicAuthUsers user name to bcrypt hash; empty means no authentication
 * @param files          every file the config consists of, to notice when one changes
 */
public record WebConfig(Path source, Optional<TlsServer> tls, Map<String, Secret<String>> basicAuthUsers,
                        List<Path> files) {

    public WebConfig {
        basicAuthUsers = Map.copyOf(basicAuthUsers);
        files = List.copyOf(files);
    }

    /** No web config file: plain http, no authentication. */
    public static final WebConfig NONE = new WebConfig(Path.of(""), Optional.empty(), Map.of(), List.of());

    /** The exporter's own certificate, and whether and how clients must show one. */
    public record TlsServer(List<X509Certificate> chain, Secret<PrivateKey> key, ClientAuth clientAuth,
                            List<X509Certificate> clientCas, List<String> protocols) {
        public TlsServer {
            chain = List.copyOf(chain);
            clientCas = List.copyOf(clientCas);
            protocols = List.copyOf(protocols);
        }
    }

    /** exporter-toolkit's client_auth_type values. */
    public enum ClientAuth {
        NO_CLIENT_CERT("NoClientCert", false, false),
        REQUEST_CLIENT_CERT("RequestClientCert", false, false),
        REQUIRE_ANY_CLIENT_CERT("RequireAnyClientCert", true, false),
        VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven", false, true),
        REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert", true, true);

        private final String yamlName;
        private final boolean required;
        private final boolean verified;

        ClientAuth(String yamlName, boolean required, boolean verified) {
            this.yamlName = yamlName;
            this.required = required;
            this.verified = verified;
        }

        public String yamlName() {
            return yamlName;
        }

        /** The handshake fails without a client certificate. */
        public boolean required() {
            return required;
        }

        /** A client certificate, when given, must chain to client_ca_file. */
        public boolean verified() {
            return verified;
        }

        public boolean requested() {
            return this != NO_CLIENT_CERT;
        }
    }
}
