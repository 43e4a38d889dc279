package dev.gateway.sip.tls;

import gov.nist.core.net.SecurityManagerProvider;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * What JAIN-SIP's TLS transport asks for keys and trust (its {@code SECURITY_MANAGER_PROVIDER}): our certificate
 * from PEM files for the listener ({@link ReloadingKeyManager}), and the JDK's default trust store (the public
 * CAs) to check the certificates of trunks we call over TLS. The stack instantiates it by class name, so the file
 * names come in as the stack properties {@link #CERTIFICATE_PROPERTY} and {@link #KEY_PROPERTY}.
 *
 * <p>Thread-safe after {@link #init}.
 */
public final class SipTlsKeys implements SecurityManagerProvider {
    public static final String CERTIFICATE_PROPERTY = "dev.gateway.tls.certificate";
    public static final String KEY_PROPERTY = "dev.gateway.tls.privateKey";

    private ReloadingKeyManager keys;
    private TrustManager[] trust;

    @Override
    public void init(Properties properties) throws GeneralSecurityException {
        String certificate = properties.getProperty(CERTIFICATE_PROPERTY);
        String key = properties.getProperty(KEY_PROPERTY);
        if (certificate == null || key == null) {
            throw new GeneralSecurityException(CERTIFICATE_PROPERTY + " and " + KEY_PROPERTY + " must be set");
        }
        try {
            keys = ReloadingKeyManager.open(Path.of(certificate), Path.of(key), System::nanoTime);
        } catch (TlsCredentialsException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        trust = factory.getTrustManagers();
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return new KeyManager[] {keys};
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return trust.clone();
    }
}
