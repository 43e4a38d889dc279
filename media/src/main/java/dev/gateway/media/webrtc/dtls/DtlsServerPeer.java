package dev.gateway.media.webrtc.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS server (the peer answered {@code a=setup:active}, as LiveKit's pion does on the PC we offer): selects
 * SRTP_AES128_CM_HMAC_SHA1_80 from the client's {@code use_srtp} list, requests a client certificate (WebRTC is
 * mutual, RFC 8827 §6.5) and checks it against the SDP fingerprint. Confined to the handshake thread of one
 * {@link DtlsSession}.
 */
final class DtlsServerPeer extends DefaultTlsServer {
    private final BcTlsCrypto crypto;
    private final DtlsCertificate local;
    private final String expectedFingerprint;
    private final int handshakeTimeoutMillis;
    private int srtpProfile;
    private SrtpKeyMaterial srtpKeys;

    DtlsServerPeer(BcTlsCrypto crypto, DtlsCertificate local, String expectedFingerprint, int handshakeTimeoutMillis) {
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
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        srtpProfile = DtlsPeerPolicy.selectSrtpProfile(clientExtensions);
    }

    @Override
    @SuppressWarnings("rawtypes") // BC's API
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        DtlsPeerPolicy.addUseSrtp(extensions);
        return extensions;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        DtlsPeerPolicy.verifyFingerprint(clientCertificate, expectedFingerprint);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                local.privateKey(), local.toTlsCertificate(crypto), DtlsPeerPolicy.SIGNATURE);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return DtlsPeerPolicy.RESEND_MILLIS;
    }

    /** RFC 5764 §4.2: BC allows the exporter only here, while the handshake's security parameters are live. */
    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        srtpKeys = DtlsPeerPolicy.exportSrtpKeys(context, srtpProfile, DtlsRole.SERVER);
    }

    /** The SRTP keys, once the handshake completed; null before. */
    SrtpKeyMaterial srtpKeys() {
        return srtpKeys;
    }
}
