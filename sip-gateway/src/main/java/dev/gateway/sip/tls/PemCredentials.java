package dev.gateway.sip.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate chain and its private key, read from PEM files as operators get them (Let's Encrypt, OpenSSL): the
 * chain from {@code -----BEGIN CERTIFICATE-----} blocks (leaf first), the key as PKCS#8 ({@code PRIVATE KEY}),
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}). Encrypted keys are refused: the gateway has
 * nowhere safe to keep their passphrase. Immutable.
 *
 * @param key   the private key
 * @param chain the certificates, leaf first; never empty
 */
public record PemCredentials(PrivateKey key, List<X509Certificate> chain) {

    public PemCredentials {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
    }

    /** The certificate this gateway presents. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Reads and checks a certificate file and a key file: both exist and parse, the key is not encrypted, and it
     * belongs to the first certificate (a test signature verifies with the certificate's public key).
     *
     * @throws TlsCredentialsException naming the file and what is wrong with it, e.g. "no CERTIFICATE block"
     */
    public static PemCredentials read(Path certificateFile, Path keyFile) throws TlsCredentialsException {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new TlsCredentialsException(keyFile, "is not the private key of the certificate in " + certificateFile
                    + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new PemCredentials(key, chain);
    }

    private static List<X509Certificate> certificates(Path file) throws TlsCredentialsException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
                    chain.add((X509Certificate) factory.generateCertificate(
                            new java.io.ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (NoSuchFileException e) {
            throw new TlsCredentialsException(file, "does not exist");
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new TlsCredentialsException(file, "is not a PEM certificate file: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new TlsCredentialsException(file, "holds no -----BEGIN CERTIFICATE----- block");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) throws TlsCredentialsException {
        Object o;
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            do {
                o = pem.readObject();
            } while (o != null && !isKey(o));
        } catch (NoSuchFileException e) {
            throw new TlsCredentialsException(file, "does not exist");
        } catch (IOException | RuntimeException e) {
            throw new TlsCredentialsException(file, "is not a PEM key file: " + e.getMessage());
        }
        if (o == null) {
            throw new TlsCredentialsException(file, "holds no PRIVATE KEY block");
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new TlsCredentialsException(file, "is encrypted; write it decrypted (openssl pkey -in "
                    + file.getFileName() + " -out key.pem) and keep the file readable by the gateway only");
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return o instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
                    : converter.getPrivateKey((PrivateKeyInfo) o);
        } catch (IOException | RuntimeException e) {
            throw new TlsCredentialsException(file, "holds a key Java cannot use: " + e.getMessage());
        }
    }

    private static boolean isKey(Object o) {
        return o instanceof PEMKeyPair || o instanceof PrivateKeyInfo || o instanceof PEMEncryptedKeyPair
                || o instanceof PKCS8EncryptedPrivateKeyInfo;
    }

    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "gateway key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
