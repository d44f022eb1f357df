package io.dtrexporter.dtr;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HttpClientHostnameVerifier;

/**
 * Checks the DTR's certificate against tls_config.server_name, or else the host connected to. A
 * mismatch fails with a {@link NameMismatchException} naming the name that was checked: HttpClient's
 * own message would name the host connected to, even when server_name was the name checked.
 */
final class CertificateNameCheck implements HttpClientHostnameVerifier {
    private final DefaultHostnameVerifier names = new DefaultHostnameVerifier();
    private final Optional<String> serverName;

    CertificateNameCheck(Optional<String> serverName) {
        this.serverName = serverName;
    }

    @Override
    public void verify(String connectedHost, X509Certificate certificate) throws SSLException {
        try {
            names.verify(serverName.orElse(connectedHost), certificate);
        } catch (SSLException e) {
            throw new NameMismatchException(e);
        }
    }

    @Override
    public boolean verify(String connectedHost, SSLSession session) {
        return names.verify(serverName.orElse(connectedHost), session);
    }

    /** The certificate does not hold the name the exporter expected; tls_config.server_name can fix that. */
    static final class NameMismatchException extends SSLPeerUnverifiedException {
        NameMismatchException(SSLException cause) {
            super(cause.getMessage());
            initCause(cause);
        }
    }
}
