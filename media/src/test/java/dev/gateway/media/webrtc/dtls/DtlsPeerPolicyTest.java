package dev.gateway.media.webrtc.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.junit.jupiter.api.Test;

class DtlsPeerPolicyTest {

    private static Hashtable<Integer, byte[]> useSrtp(int... profiles) throws Exception {
        Hashtable<Integer, byte[]> extensions = new Hashtable<>();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(profiles, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Test
    void bothPeersRetransmitAnUnansweredFlightAfter250MillisNotBouncyCastlesOneSecond() {
        org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto crypto =
                new org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto(new java.security.SecureRandom());
        DtlsCertificate cert = DtlsCertificate.shared();
        assertEquals(250, new DtlsClientPeer(crypto, cert, "AB", 10_000).getHandshakeResendTimeMillis());
        assertEquals(250, new DtlsServerPeer(crypto, cert, "AB", 10_000).getHandshakeResendTimeMillis());
        assertEquals(10_000, new DtlsClientPeer(crypto, cert, "AB", 10_000).getHandshakeTimeoutMillis());
    }

    @Test
    void serverPicksAes128CmFromAMixedOffer() throws Exception {
        Hashtable<Integer, byte[]> offer = useSrtp(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
                SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertEquals(0x0001, DtlsPeerPolicy.selectSrtpProfile(offer));
    }

    @Test
    void serverRefusesAnOfferWithoutAes128Cm() throws Exception {
        DtlsException e = assertThrows(DtlsException.class,
                () -> DtlsPeerPolicy.selectSrtpProfile(useSrtp(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM)));
        assertEquals(AlertDescription.handshake_failure, e.alert());
        assertTrue(e.reason().contains("[0x0007]"), e.reason());
        DtlsException missing = assertThrows(DtlsException.class, () -> DtlsPeerPolicy.selectSrtpProfile(new Hashtable<>()));
        assertTrue(missing.reason().contains("use_srtp"), missing.reason());
    }

    @Test
    void clientRequiresExactlyAes128CmInTheAnswer() throws Exception {
        assertEquals(0x0001, DtlsPeerPolicy.checkSelectedSrtpProfile(useSrtp(0x0001)));
        DtlsException other = assertThrows(DtlsException.class,
                () -> DtlsPeerPolicy.checkSelectedSrtpProfile(useSrtp(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM)));
        assertEquals(AlertDescription.illegal_parameter, other.alert());
        DtlsException none = assertThrows(DtlsException.class, () -> DtlsPeerPolicy.checkSelectedSrtpProfile(null));
        assertEquals(AlertDescription.unsupported_extension, none.alert());
    }
}
