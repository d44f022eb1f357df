package io.dtrexporter.dtr;

import io.dtrexporter.config.KeyMaterial;
import io.dtrexporter.config.TlsConfig;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;

/** Turns a module's {@link TlsConfig} into the TLS strategy of its connection pool. */
final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * DYNAMIC buffers: an idle TLS connection gives its 16 KB record buffers back and keeps only its
     * session, so 2,000 kept-alive connections fit the chart's memory limit.
     */
    static TlsStrategy strategy(TlsConfig tls) {
        SSLContext context = sslContext(tls);
        HostnameVerifier verifier = tls.insecureSkipVerify() ? NoopHostnameVerifier.INSTANCE
                : new CertificateNameCheck(tls.serverName());
        return new DefaultClientTlsStrategy(context, null, null, SSLBufferMode.DYNAMIC, HostnameVerificationPolicy.CLIENT,
                verifier) {
            @Override
            protected void initializeEngine(SSLEngine engine) {
                tls.serverName().ifPresent(name -> {
                    SSLParameters parameters = engine.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(name)));
                    engine.setSSLParameters(parameters);
                });
            }
        };
    }

    private static SSLContext sslContext(TlsConfig tls) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(tls), trustManagers(tls), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(TlsConfig tls) throws GeneralSecurityException {
        if (tls.clientCertificate().isEmpty()) {
            return null;
        }
        TlsConfig.ClientCertificate client = tls.clientCertificate().get();
        return new KeyManager[] {KeyMaterial.keyManager(client.key().value(), client.chain())};
    }

    private static TrustManager[] trustManagers(TlsConfig tls) throws GeneralSecurityException {
        if (tls.insecureSkipVerify()) {
            return new TrustManager[] {new TrustingEverything()};
        }
        if (tls.trustedCas().isEmpty()) {
            return null; // the JVM's default trust store
        }
        return new TrustManager[] {KeyMaterial.trustManager(tls.trustedCas())};
    }

    /** insecure_skip_verify: the operator chose to accept any certificate. */
    private static final class TrustingEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
