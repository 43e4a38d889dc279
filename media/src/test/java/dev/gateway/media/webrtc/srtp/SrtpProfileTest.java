package dev.gateway.media.webrtc.srtp;

import static dev.gateway.media.webrtc.srtp.SrtpPackets.readable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.webrtc.srtp.SrtpPackets.Kind;
import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AES_CM_128_HMAC_SHA1_32 against libSRTP's packets, and the suite names of RFC 4568 §6.2. */
class SrtpProfileTest {

    private static final Rfc3711Vectors LIBSRTP_32 = Rfc3711Vectors.load("libsrtp-aes-cm-128-hmac-sha1-32.txt");
    private static final byte[] KEY = LIBSRTP_32.get("master_key");
    private static final byte[] SALT = LIBSRTP_32.get("master_salt");
    private static final SrtpProfile P32 = SrtpProfile.AES_CM_128_HMAC_SHA1_32;

    private final SrtpContext sender = new SrtpContext(P32, KEY, SALT);
    private final SrtpContext receiver = new SrtpContext(P32, KEY, SALT);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void srtpWith32BitTagMatchesLibsrtp(Kind kind) {
        ByteBuf buf = kind.of(LIBSRTP_32.get("rtp_plaintext"));
        try {
            sender.protectRtp(buf);
            assertArrayEquals(LIBSRTP_32.get("srtp_packet"), readable(buf));
            assertEquals(4, sender.rtpTrailerLength());
            assertEquals(SrtpResult.OK, receiver.unprotectRtp(buf));
            assertArrayEquals(LIBSRTP_32.get("rtp_plaintext"), readable(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void srtcpKeepsThe80BitTag(Kind kind) {
        ByteBuf first = kind.of(LIBSRTP_32.get("rtcp_plaintext"));
        ByteBuf buf = kind.of(LIBSRTP_32.get("rtcp_plaintext"));
        try {
            sender.protectRtcp(first); // libSRTP's first SRTCP index is 1 (see README.md)
            sender.protectRtcp(buf);
            assertArrayEquals(LIBSRTP_32.get("srtcp_packet"), readable(buf));
            assertEquals(SrtpResult.OK, receiver.unprotectRtcp(buf));
            assertArrayEquals(LIBSRTP_32.get("rtcp_plaintext"), readable(buf));
        } finally {
            assertTrue(first.release());
            assertTrue(buf.release());
        }
    }

    @Test
    void a32BitPacketDoesNotAuthenticateUnderThe80BitSuite() {
        ByteBuf buf = Kind.HEAP.of(LIBSRTP_32.get("srtp_packet"));
        try {
            SrtpContext as80 = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY, SALT);
            assertEquals(SrtpResult.AUTH_FAILED, as80.unprotectRtp(buf));
            assertEquals(1, as80.stats().authFailures());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void suiteNamesAreThoseOfRfc4568() {
        assertEquals(Optional.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), SrtpProfile.bySuiteName("AES_CM_128_HMAC_SHA1_80"));
        assertEquals(Optional.of(P32), SrtpProfile.bySuiteName("aes_cm_128_hmac_sha1_32"));
        assertEquals(Optional.empty(), SrtpProfile.bySuiteName("F8_128_HMAC_SHA1_80"));
        assertEquals(10, SrtpProfile.AES_CM_128_HMAC_SHA1_80.rtpTagLength());
    }
}
