package dev.gateway.media.webrtc.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS client (we answered {@code a=setup:active}): offers {@code use_srtp}, checks the server's certificate
 * against the SDP fingerprint and answers the server's CertificateRequest with our certificate, since WebRTC
 * authenticates both ends (RFC 8827 §6.5). Confined to the handshake thread of one {@link DtlsSession}.
 */
final class DtlsClientPeer extends DefaultTlsClient {
    private final BcTlsCrypto crypto;
    private final DtlsCertificate local;
    private final String expectedFingerprint;
    private final int handshakeTimeoutMillis;
    private int srtpProfile;
    private SrtpKeyMaterial srtpKeys;

    DtlsClientPeer(BcTlsCrypto crypto, DtlsCertificate local, String expectedFingerprint, int handshakeTimeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.local = local;
        this.expectedFingerprint = expectedFingerprint;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return DtlsPeerPolicy.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return DtlsPeerPolicy.CIPHER_SUITES.clone();
    }

    @Override
    @SuppressWarnings("rawtypes") // BC's API
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        DtlsPeerPolicy.addUseSrtp(extensions);
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes") // BC's API
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        srtpProfile = DtlsPeerPolicy.checkSelectedSrtpProfile(serverExtensions);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return DtlsPeerPolicy.RESEND_MILLIS;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsPeerPolicy.verifyFingerprint(serverCertificate.getCertificate(), expectedFingerprint);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                        local.privateKey(), local.toTlsCertificate(crypto), DtlsPeerPolicy.SIGNATURE);
            }
        };
    }

    /** RFC 5764 §4.2: BC allows the exporter only here, while the handshake's security parameters are live. */
    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        srtpKeys = DtlsPeerPolicy.exportSrtpKeys(context, srtpProfile, DtlsRole.CLIENT);
    }

    /** The SRTP keys, once the handshake completed; null before. */
    SrtpKeyMaterial srtpKeys() {
        return srtpKeys;
    }
}
