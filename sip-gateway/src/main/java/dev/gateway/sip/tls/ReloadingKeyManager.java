package dev.gateway.sip.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The JSSE key manager of the SIP TLS listener: presents the certificate and key from two PEM files and picks up
 * new files (a renewed certificate) without a restart. At most once per {@link #CHECK_INTERVAL_NANOS}, on a
 * handshake, it compares the files' modification times and sizes with the loaded ones; when they changed it reads
 * them again and, if they are good, new handshakes use them while handshakes under way finish with the old ones. A
 * bad pair (half-written, mismatched) keeps the old credentials and is logged once per change.
 *
 * <p>Thread-safe: handshakes of several connections may call it at once; a reload happens on one of them.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    /** How often a handshake may look at the files: a stat of two files, not per connection under a flood. */
    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger("sip");

    private final Path certificateFile;
    private final Path keyFile;
    private final LongSupplier nanos;
    private volatile Loaded current;
    private volatile Loaded previous;
    private volatile long nextCheck;
    private String refused; // the stamp of a pair already logged as bad; under the lock

    private record Loaded(String alias, PemCredentials credentials, String stamp) {
    }

    private ReloadingKeyManager(Path certificateFile, Path keyFile, LongSupplier nanos, Loaded first) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.nanos = nanos;
        this.current = first;
        this.nextCheck = nanos.getAsLong() + CHECK_INTERVAL_NANOS;
    }

    /**
     * Reads both files now.
     *
     * @throws TlsCredentialsException naming the file and the reason when they cannot be used
     */
    public static ReloadingKeyManager open(Path certificateFile, Path keyFile, LongSupplier nanos)
            throws TlsCredentialsException {
        String stamp = stamp(certificateFile, keyFile);
        return new ReloadingKeyManager(certificateFile, keyFile, nanos,
                new Loaded("sip-1", PemCredentials.read(certificateFile, keyFile), stamp));
    }

    /** The certificate new handshakes present. */
    public X509Certificate certificate() {
        return current.credentials().leaf();
    }

    /** Looks at the files if the last look is older than the interval, and loads them if they changed. */
    public void refresh() {
        long now = nanos.getAsLong();
        if (now - nextCheck < 0) {
            return;
        }
        synchronized (this) {
            if (now - nextCheck < 0) {
                return;
            }
            nextCheck = now + CHECK_INTERVAL_NANOS;
            String stamp = stamp(certificateFile, keyFile);
            Loaded loaded = current;
            if (stamp.equals(loaded.stamp()) || stamp.equals(refused)) {
                return;
            }
            try {
                PemCredentials fresh = PemCredentials.read(certificateFile, keyFile);
                int generation = Integer.parseInt(loaded.alias().substring(4)) + 1;
                previous = loaded;
                current = new Loaded("sip-" + generation, fresh, stamp);
                refused = null;
                LOG.log(System.Logger.Level.INFO, "SIP TLS certificate reloaded: " + describe(fresh.leaf()));
            } catch (TlsCredentialsException e) {
                refused = stamp;
                LOG.log(System.Logger.Level.WARNING, "SIP TLS certificate not reloaded, still presenting "
                        + describe(loaded.credentials().leaf()) + ": " + e.getMessage());
            }
        }
    }

    /** Subject and expiry, for log lines. */
    public static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + " (valid until " + certificate.getNotAfter().toInstant() + ")";
    }

    private static String stamp(Path certificateFile, Path keyFile) {
        return stamp(certificateFile) + "|" + stamp(keyFile);
    }

    private static String stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }

    private String aliasFor(String keyType) {
        Loaded loaded = current;
        return keyType != null && keyTypes(loaded.credentials().key()).contains(keyType) ? loaded.alias() : null;
    }

    /**
     * The JSSE key types (as handshakes ask for them) a key serves. A key read through BouncyCastle may call
     * itself "ECDSA" where JSSE asks for "EC"; an RSA key also signs RSASSA-PSS handshakes of TLS 1.3.
     */
    static java.util.Set<String> keyTypes(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> java.util.Set.of("RSA", "RSASSA-PSS");
            case "EC", "ECDSA" -> java.util.Set.of("EC");
            case "Ed25519", "EdDSA" -> java.util.Set.of("EdDSA", "Ed25519");
            default -> java.util.Set.of(key.getAlgorithm());
        };
    }

    private Loaded byAlias(String alias) {
        Loaded c = current;
        if (c.alias().equals(alias)) {
            return c;
        }
        Loaded p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        refresh();
        return aliasFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        refresh();
        return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Loaded loaded = byAlias(alias);
        return loaded == null ? null : loaded.credentials().chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Loaded loaded = byAlias(alias);
        return loaded == null ? null : loaded.credentials().key();
    }

    // A trunk that asks for a client certificate gets none: Twilio does not, and presenting the server
    // certificate as a client one is not what an operator configured.
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
