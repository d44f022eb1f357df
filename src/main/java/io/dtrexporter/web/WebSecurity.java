package io.dtrexporter.web;

import io.dtrexporter.config.ConfigException;
import io.dtrexporter.config.FileWatch;
import io.dtrexporter.config.KeyMaterial;
import io.dtrexporter.config.WebConfig;
import io.dtrexporter.config.WebConfigLoader;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The live web config: TLS material and users that a changed file replaces without a restart. The
 * listener's SSLContext asks this class for the current certificate and client CAs at every
 * handshake. Whether TLS is on, and whether client certificates are requested, are fixed at start.
 */
public final class WebSecurity {
    private static final Logger LOG = Logger.getLogger(WebSecurity.class.getName());

    private final AtomicReference<Live> live;

    /**
     * A loaded web config with what is built from it: the TLS managers, and the users with the pairs
     * they have passed so far, which a reload therefore forgets.
     */
    private record Live(WebConfig config, X509ExtendedKeyManager keys, X509ExtendedTrustManager clientCas,
                        BasicAuthUsers users) {
    }

    private WebSecurity(Live live) {
        this.live = new AtomicReference<>(live);
    }

    public static WebSecurity none() {
        return new WebSecurity(new Live(WebConfig.NONE, null, null, BasicAuthUsers.NONE));
    }

    /** @throws ConfigException when the file is invalid */
    public static WebSecurity load(Path file) {
        return new WebSecurity(build(WebConfigLoader.load(file)));
    }

    public WebConfig config() {
        return live.get().config();
    }

    public Optional<WebConfig.TlsServer> tls() {
        return config().tls();
    }

    BasicAuthUsers users() {
        return live.get().users();
    }

    /** The listener's context; it follows reloads of the certificate, key and client CAs. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new CurrentKeys()}, new TrustManager[] {new CurrentClientCas()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
    }

    /** Re-reads the file when it or a file it names changed; an invalid edit keeps the running config. */
    public void watch(ScheduledExecutorService scheduler, long periodMillis) {
        if (config().source().toString().isEmpty()) {
            return;
        }
        FileWatch.every(scheduler, Duration.ofMillis(periodMillis), () -> config().files(), this::reload);
    }

    private void reload() {
        Live current = live.get();
        try {
            Live next = build(WebConfigLoader.load(current.config().source()));
            if (!listenerShape(next.config()).equals(listenerShape(current.config()))) {
                // taking half of it (new client CAs under the old client_auth_type, no certificate for a
                // TLS listener) would weaken or break the listener: none of it is taken until a restart
                LOG.severe("web config not reloaded: it changes whether TLS is on, client_auth_type or the TLS"
                        + " versions, which take effect at a restart only; the running one stays");
                return;
            }
            live.set(next);
            LOG.info(() -> "web config reloaded file=" + current.config().source());
        } catch (ConfigException e) {
            // keep serving with what works; say why the edit was not taken
            LOG.severe(() -> "web config not reloaded, the running one stays: " + e.getMessage());
        }
    }

    /** What the listener fixed at start: TLS or not, client certificate requests, TLS versions. */
    private static Optional<List<Object>> listenerShape(WebConfig config) {
        return config.tls().map(tls -> List.of(tls.clientAuth(), tls.protocols()));
    }

    private static Live build(WebConfig config) {
        BasicAuthUsers users = new BasicAuthUsers(config.basicAuthUsers());
        if (config.tls().isEmpty()) {
            return new Live(config, null, null, users);
        }
        WebConfig.TlsServer tls = config.tls().get();
        try {
            X509ExtendedKeyManager keys = KeyMaterial.keyManager(tls.key().value(), tls.chain());
            X509ExtendedTrustManager clientCas = tls.clientCas().isEmpty() ? null
                    : KeyMaterial.trustManager(tls.clientCas());
            return new Live(config, keys, clientCas, users);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("web config file " + config.source() + ": tls_server_config: cannot use"
                    + " the certificate and key: " + e.getMessage());
        }
    }

    /** Serves whatever certificate the live config holds now. */
    private final class CurrentKeys extends X509ExtendedKeyManager {
        private X509ExtendedKeyManager keys() {
            return live.get().keys();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys().getPrivateKey(alias);
        }
    }

    /**
     * Checks client certificates against the live client CAs, or accepts any certificate when
     * client_auth_type does not verify (RequestClientCert, RequireAnyClientCert).
     */
    private final class CurrentClientCas extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException {
            Live current = live.get();
            boolean verify = current.config().tls().map(t -> t.clientAuth().verified()).orElse(false);
            if (!verify) {
                return;
            }
            if (current.clientCas() == null) {
                throw new CertificateException("no client CA to verify against");
            }
            if (engine != null) {
                current.clientCas().checkClientTrusted(chain, authType, engine);
            } else if (socket != null) {
                current.clientCas().checkClientTrusted(chain, authType, socket);
            } else {
                current.clientCas().checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType, socket, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType, null, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, null, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the exporter's listener trusts no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the exporter's listener trusts no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the exporter's listener trusts no servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            Live current = live.get();
            return current.clientCas() == null ? new X509Certificate[0] : current.clientCas().getAcceptedIssuers();
        }
    }
}
