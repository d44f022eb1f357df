package io.dtrexporter.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates and private keys. Every failure is a {@link ConfigException} naming the
 * YAML path that named the file; no message ever contains key material.
 */
final class PemFiles {
    private PemFiles() {
    }

    static List<X509Certificate> certificates(Path file, String yamlPath) {
        byte[] pem = read(file, yamlPath);
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (certificates.isEmpty()) {
                throw new ConfigException(yamlPath, "no PEM certificate in " + file);
            }
            return certificates;
        } catch (CertificateException e) {
            throw new ConfigException(yamlPath, "no valid PEM certificate in " + file);
        }
    }

    /** A PKCS#8, PKCS#1 RSA or SEC1 EC private key, unencrypted. */
    static PrivateKey privateKey(Path file, String yamlPath) {
        String pem = new String(read(file, yamlPath), StandardCharsets.US_ASCII);
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
            while (parsed != null && !isKey(parsed)) {
                parsed = parser.readObject(); // skip e.g. "EC PARAMETERS" blocks that precede SEC1 keys
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(yamlPath, "cannot parse the PEM private key in " + file);
        }
        if (parsed == null) {
            throw new ConfigException(yamlPath, "no PEM private key in " + file);
        }
        if (parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new ConfigException(yamlPath, "the private key in " + file
                    + " is encrypted; give an unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC key");
        }
        PrivateKeyInfo info = parsed instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : (PrivateKeyInfo) parsed;
        // The JDK's own key factories, by the key's OID: BouncyCastle's converter asks for "ECDSA",
        // which only the BouncyCastle provider knows.
        String algorithm = switch (info.getPrivateKeyAlgorithm().getAlgorithm().getId()) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            throw new ConfigException(yamlPath, "unsupported private key type in " + file + "; use RSA or EC");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(yamlPath, "cannot read the " + algorithm + " private key in " + file);
        }
    }

    /** Proves that the key signs what the certificate's public key verifies. */
    static void checkKeyMatchesCertificate(PrivateKey key, Path keyFile, X509Certificate certificate, Path certFile,
                                           String yamlPath) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's ends up here as well
        }
        throw new ConfigException(yamlPath, "the private key in " + keyFile
                + " does not belong to the certificate in " + certFile + " (cert_file)");
    }

    private static boolean isKey(Object parsed) {
        return parsed instanceof PEMKeyPair || parsed instanceof PrivateKeyInfo
                || parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo;
    }

    private static byte[] read(Path file, String yamlPath) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(yamlPath, "cannot read " + file + ": " + IoMessages.describe(e));
        }
    }
}
