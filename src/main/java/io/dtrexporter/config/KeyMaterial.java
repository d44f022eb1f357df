package io.dtrexporter.config;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** JSSE managers from certificates and keys read out of PEM files, held in memory only. */
public final class KeyMaterial {
    private static final char[] NO_PASSWORD = new char[0];

    private KeyMaterial() {
    }

    /** Presents {@code chain} with its {@code key} in a TLS handshake. */
    public static X509ExtendedKeyManager keyManager(PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException {
        KeyStore store = emptyStore();
        store.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, NO_PASSWORD);
        return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    }

    /** Trusts the certificates that chain to one of {@code cas}. */
    public static X509ExtendedTrustManager trustManager(List<X509Certificate> cas) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        int n = 0;
        for (X509Certificate ca : cas) {
            store.setCertificateEntry("ca-" + n++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty key store", e);
        }
        return store;
    }
}
