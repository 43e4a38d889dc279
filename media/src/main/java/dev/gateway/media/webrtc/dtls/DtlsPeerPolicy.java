package dev.gateway.media.webrtc.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * What both ends of our DTLS handshakes insist on: DTLS 1.2 only, ECDHE_ECDSA suites, the {@code use_srtp}
 * extension with SRTP_AES128_CM_HMAC_SHA1_80 and nothing else, and a peer certificate whose SHA-256 fingerprint is
 * the one from SDP. Stateless; shared by {@link DtlsClientPeer} and {@link DtlsServerPeer}.
 */
final class DtlsPeerPolicy {

    static final ProtocolVersion[] VERSIONS = ProtocolVersion.DTLSv12.only();

    /** GCM first (what pion and browsers pick); CBC for peers without GCM (pion also offers AES_256_CBC_SHA). */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    /** Our certificate is P-256, so we sign with ECDSA over SHA-256. */
    static final SignatureAndHashAlgorithm SIGNATURE = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    static final int SRTP_PROFILE = SrtpKeyMaterial.SRTP_AES128_CM_HMAC_SHA1_80;

    /**
     * First retransmission of an unanswered flight, in ms (doubling after each, BC caps at 60 s). BC's default is
     * RFC 6347's 1 s, which a set-up pays whole whenever the first flight is lost or arrives before the peer is
     * listening (our ClientHello may reach pion the moment ICE connects, before its DTLS server runs): with a
     * burst of calls that was the tail of the subscriber's handshakes. A room's round trip is well under this.
     */
    static final int RESEND_MILLIS = 250;

    private DtlsPeerPolicy() {
    }

    /** Adds {@code use_srtp} with our one profile and no MKI (RFC 5764 §4.1.1) to hello extensions. */
    static void addUseSrtp(Hashtable<?, ?> extensions) throws IOException {
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {SRTP_PROFILE}, TlsUtils.EMPTY_BYTES));
    }

    /** Server side: the client must offer our profile among its list (RFC 5764 §4.1.1). */
    static int selectSrtpProfile(Hashtable<?, ?> clientExtensions) throws IOException {
        UseSRTPData offer = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offer == null) {
            throw new DtlsException(AlertDescription.handshake_failure, "DTLS peer did not offer the use_srtp extension");
        }
        for (int profile : offer.getProtectionProfiles()) {
            if (profile == SRTP_PROFILE) {
                return profile;
            }
        }
        throw new DtlsException(AlertDescription.handshake_failure,
                "DTLS peer offered SRTP profiles " + profiles(offer) + " but not SRTP_AES128_CM_HMAC_SHA1_80 (0x0001)");
    }

    /** Client side: the server must answer with exactly our profile (RFC 5764 §4.1.1). */
    static int checkSelectedSrtpProfile(Hashtable<?, ?> serverExtensions) throws IOException {
        UseSRTPData answer = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (answer == null) {
            throw new DtlsException(AlertDescription.unsupported_extension, "DTLS peer did not answer the use_srtp extension");
        }
        int[] selected = answer.getProtectionProfiles();
        if (selected.length != 1 || selected[0] != SRTP_PROFILE) {
            throw new DtlsException(AlertDescription.illegal_parameter,
                    "DTLS peer selected SRTP profiles " + profiles(answer) + ", expected exactly SRTP_AES128_CM_HMAC_SHA1_80 (0x0001)");
        }
        return SRTP_PROFILE;
    }

    /**
     * Checks the peer's end-entity certificate against the SDP {@code a=fingerprint:sha-256} value, compared
     * case-insensitively (RFC 8122 §5). BC has already checked the peer holds the key: it verifies the
     * ServerKeyExchange / CertificateVerify signature with this certificate.
     */
    static void verifyFingerprint(Certificate peerCertificate, String expectedSha256) throws IOException {
        if (peerCertificate == null || peerCertificate.isEmpty()) {
            throw new DtlsException(AlertDescription.handshake_failure,
                    "DTLS peer sent no certificate; expected fingerprint sha-256 " + expectedSha256);
        }
        String actual = DtlsCertificate.fingerprintOf(peerCertificate);
        if (!actual.equalsIgnoreCase(expectedSha256.trim())) {
            throw new DtlsException(AlertDescription.bad_certificate,
                    "DTLS peer certificate fingerprint sha-256 " + actual + " does not match the SDP fingerprint " + expectedSha256);
        }
    }

    /**
     * Exports SRTP keys with the "EXTRACTOR-dtls_srtp" label (RFC 5764 §4.2), no context, 60 bytes, and splits
     * them for {@code localRole}. Fails if the handshake ended without our SRTP profile.
     */
    static SrtpKeyMaterial exportSrtpKeys(TlsContext context, int profile, DtlsRole localRole) throws IOException {
        if (profile != SRTP_PROFILE) {
            throw new DtlsException(AlertDescription.handshake_failure,
                    "DTLS handshake finished without negotiating use_srtp SRTP_AES128_CM_HMAC_SHA1_80 (0x0001)");
        }
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeyMaterial.EXPORTER_LENGTH);
        try {
            return SrtpKeyMaterial.fromExporter(profile, material, localRole);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private static String profiles(UseSRTPData data) {
        StringBuilder sb = new StringBuilder("[");
        for (int profile : data.getProtectionProfiles()) {
            sb.append(sb.length() > 1 ? ", " : "").append(String.format("0x%04x", profile));
        }
        return sb.append(']').toString();
    }
}
