package dev.gateway.sip.signalling;

import gov.nist.core.net.SecurityManagerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The TLS keys of the stack ({@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}): the certificate chain and
 * private key of {@code sip.tls} read from PEM files ({@link #CERTIFICATE_FILE}, {@link #KEY_FILE} in the stack's
 * properties; the key unencrypted, PKCS#8, PKCS#1 or SEC1), and the JDK's default trust store for the peers the
 * gateway connects to. The server does not ask callers for certificates (Twilio presents none).
 *
 * <p>Created by the RI by name, initialised once on the owner's thread, then read-only: thread-safe.
 */
public final class PemKeyManagers implements SecurityManagerProvider {
    static final String CERTIFICATE_FILE = "dev.gateway.sip.TLS_CERTIFICATE_FILE";
    static final String KEY_FILE = "dev.gateway.sip.TLS_KEY_FILE";

    private KeyManager[] keyManagers;
    private TrustManager[] trustManagers;

    @Override
    public void init(Properties properties) throws GeneralSecurityException, IOException {
        Path certificate = Path.of(properties.getProperty(CERTIFICATE_FILE));
        Path key = Path.of(properties.getProperty(KEY_FILE));
        keyManagers = keyManagers(certificate, key);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        trustManagers = trust.getTrustManagers();
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return keyManagers;
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return trustManagers;
    }

    /**
     * @throws IOException naming the file that could not be read or holds no certificate / key
     */
    static KeyManager[] keyManagers(Path certificateFile, Path keyFile) throws GeneralSecurityException, IOException {
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(certificateFile + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
        if (chain.length == 0) {
            throw new IOException(certificateFile + ": no certificate in it");
        }
        PrivateKey privateKey = privateKey(keyFile);
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("sip", privateKey, password, chain);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException {
        Object pem;
        try (Reader reader = Files.newBufferedReader(keyFile); PEMParser parser = new PEMParser(reader)) {
            pem = parser.readObject();
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (pem instanceof PEMKeyPair pair) { // PKCS#1 RSA or SEC1 EC
            return converter.getKeyPair(pair).getPrivate();
        } else if (pem instanceof PrivateKeyInfo info) { // PKCS#8
            return converter.getPrivateKey(info);
        }
        throw new IOException(keyFile + ": no unencrypted PEM private key in it (found "
                + (pem == null ? "nothing" : pem.getClass().getSimpleName()) + ")");
    }
}
