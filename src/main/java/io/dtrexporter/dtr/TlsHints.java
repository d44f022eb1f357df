package io.dtrexporter.dtr;

import java.security.cert.CertPathBuilderException;
import java.util.Optional;

/**
 * What to set in the module when a TLS handshake fails for a reason its tls_config fixes. The JDK's
 * words ("PKIX path building failed") say what went wrong, not what to do about it.
 */
final class TlsHints {
    static final String UNKNOWN_CA = "set tls_config.ca_file to the DTR's CA";
    /** A CA file is set, and it is the wrong one or the DTR does not send its intermediate certificates. */
    static final String OTHER_CA = "tls_config.ca_file does not hold the CA that issued the DTR's certificate"
            + " (or the DTR does not send its intermediate certificates)";
    static final String NAME_MISMATCH = "set tls_config.server_name to a name the certificate holds";

    private TlsHints() {
    }

    /** @param caFileSet whether the module names a ca_file, so the hint is not to set one */
    static Optional<String> hint(Throwable failure, boolean caFileSet) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateNameCheck.NameMismatchException) {
                return Optional.of(NAME_MISMATCH);
            }
            // no chain from the DTR's certificate to a trusted CA; an expired or revoked one fails validation instead
            if (cause instanceof CertPathBuilderException) {
                return Optional.of(caFileSet ? OTHER_CA : UNKNOWN_CA);
            }
        }
        return Optional.empty();
    }
}
