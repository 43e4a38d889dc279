package dev.gateway.media.webrtc.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * Our DTLS identity: a self-signed ECDSA P-256 certificate (SHA256withECDSA, CN=gateway). WebRTC peers do not check
 * the chain, only that the certificate's hash equals the {@code a=fingerprint} we put in SDP (RFC 8122 §5,
 * RFC 8827 §6.5), so one certificate serves every session of the process.
 *
 * <p>Immutable and thread-safe. {@link #shared()} generates the process-wide certificate on first use, which costs
 * key generation plus the first use of SecureRandom and BouncyCastle's classes (tens of milliseconds cold): call
 * {@link #warmUp()} at start-up, before any Netty thread asks for it. The shared certificate is valid for
 * {@link #VALIDITY} and is replaced by {@code shared()} a day before it expires; sessions keep the one they were
 * built with.
 */
public final class DtlsCertificate {

    /** How long a generated certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(30);
    /** notBefore is back-dated by this much so a peer with a slow clock does not see a certificate from the future. */
    private static final Duration BACKDATE = Duration.ofDays(1);
    /** {@link #shared()} replaces its certificate when less than this is left. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);
    private static final X500Name SUBJECT = new X500Name("CN=gateway");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static volatile DtlsCertificate shared;

    private final AsymmetricKeyParameter privateKey;
    private final byte[] encoded;
    private final String sha256Fingerprint;
    private final Instant notAfter;

    private DtlsCertificate(AsymmetricKeyParameter privateKey, byte[] encoded, Instant notAfter) {
        this.privateKey = privateKey;
        this.encoded = encoded;
        this.sha256Fingerprint = formatFingerprint(sha256(encoded));
        this.notAfter = notAfter;
    }

    /** The process-wide certificate; generated on first call (may block for tens of ms; see {@link #warmUp()}). */
    public static DtlsCertificate shared() {
        DtlsCertificate current = shared;
        if (current == null || isDueForRenewal(current, Instant.now())) {
            synchronized (DtlsCertificate.class) {
                current = shared;
                Instant now = Instant.now();
                if (current == null || isDueForRenewal(current, now)) {
                    current = generate(now);
                    shared = current;
                }
            }
        }
        return current;
    }

    /** Generates the shared certificate now, off the event loops; call once at start-up. */
    public static void warmUp() {
        shared();
    }

    /**
     * Generates a fresh key pair and certificate valid from {@code now - 1 day} to {@code now + VALIDITY}.
     * Blocking (key generation and signing); tests and rotation use it, sessions use {@link #shared()}.
     */
    public static DtlsCertificate generate(Instant now) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1");
        // A named domain makes the SubjectPublicKeyInfo carry the curve OID, which Go's crypto/x509 (pion) requires.
        generator.init(new ECKeyGenerationParameters(new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, p256), RANDOM));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        Instant notAfter = now.plus(VALIDITY);
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(SUBJECT, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), SUBJECT,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
            byte[] der = builder.build(new BcECContentSignerBuilder(signature, digest).build(keyPair.getPrivate())).getEncoded();
            return new DtlsCertificate(keyPair.getPrivate(), der, notAfter);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the DTLS certificate", e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no SHA256withECDSA signer", e);
        }
    }

    /** {@code a=fingerprint:sha-256} value: 32 upper-case hex pairs joined by colons (RFC 8122 §5), 95 chars. */
    public String sha256Fingerprint() {
        return sha256Fingerprint;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** SDP-form SHA-256 fingerprint of a peer's end-entity certificate (the first of the chain). */
    public static String fingerprintOf(Certificate certificate) {
        if (certificate == null || certificate.isEmpty()) {
            throw new IllegalArgumentException("no certificate to fingerprint");
        }
        try {
            return formatFingerprint(sha256(certificate.getCertificateAt(0).getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the peer certificate", e);
        }
    }

    /** Our certificate as a one-entry TLS chain for {@code crypto}. */
    Certificate toTlsCertificate(TlsCrypto crypto) throws IOException {
        return new Certificate(new TlsCertificate[] {crypto.createCertificate(encoded)});
    }

    /** The EC private key; never leaves the package. */
    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** "AB:CD:..." upper-case hex with colon separators (RFC 8122 §5 / RFC 4572 fingerprint syntax). */
    static String formatFingerprint(byte[] digest) {
        final String hex = "0123456789ABCDEF";
        StringBuilder sb = new StringBuilder(digest.length * 3);
        for (int i = 0; i < digest.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex.charAt((digest[i] >> 4) & 0xF)).append(hex.charAt(digest[i] & 0xF));
        }
        return sb.toString();
    }

    private static boolean isDueForRenewal(DtlsCertificate certificate, Instant now) {
        return !now.isBefore(certificate.notAfter.minus(RENEW_BEFORE));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "DtlsCertificate[sha-256 " + sha256Fingerprint + ", notAfter " + notAfter + "]";
    }
}
