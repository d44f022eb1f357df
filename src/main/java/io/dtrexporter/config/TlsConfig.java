package io.dtrexporter.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * How to talk TLS to a DTR. The PEM files are read and checked when the configuration loads, so a
 * probe never finds a broken certificate; the paths are kept for display.
 *
 * @param trustedCas       CA certificates to trust; empty means the JVM's default trust store
 * @param clientCertificate optional client certificate chain and key, for a DTR that asks for one
 * @param serverName       name sent as SNI and verified in the DTR's certificate, instead of the target's host
 */
public record TlsConfig(
        Optional<Path> caFile,
        List<X509Certificate> trustedCas,
        Optional<ClientCertificate> clientCertificate,
        Optional<String> serverName,
        boolean insecureSkipVerify) {

    public static final TlsConfig DEFAULT =
            new TlsConfig(Optional.empty(), List.of(), Optional.empty(), Optional.empty(), false);

    public TlsConfig {
        trustedCas = List.copyOf(trustedCas);
    }

    /** A client certificate chain and its private key, read from cert_file and key_file. */
    public record ClientCertificate(Path certFile, Path keyFile, List<X509Certificate> chain, Secret<PrivateKey> key) {
        public ClientCertificate {
            chain = List.copyOf(chain);
        }
    }
}
