package dev.gateway.media.webrtc.srtp;

import static dev.gateway.media.webrtc.srtp.SrtpPackets.readable;
import static dev.gateway.media.webrtc.srtp.SrtpPackets.rtcp;
import static dev.gateway.media.webrtc.srtp.SrtpPackets.rtp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.webrtc.srtp.SrtpPackets.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SrtpContextTest {

    private static final Rfc3711Vectors LIBSRTP = Rfc3711Vectors.load("libsrtp-aes-cm-128-hmac-sha1-80.txt");
    static final byte[] KEY = LIBSRTP.get("master_key");
    static final byte[] SALT = LIBSRTP.get("master_salt");

    private final SrtpContext sender = new SrtpContext(KEY, SALT);
    private final SrtpContext receiver = new SrtpContext(KEY, SALT);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void libsrtpSrtpKnownAnswer(Kind kind) {
        ByteBuf buf = kind.of(LIBSRTP.get("rtp_plaintext"));
        try {
            sender.protectRtp(buf);
            assertArrayEquals(LIBSRTP.get("srtp_packet"), readable(buf));
            assertEquals(SrtpResult.OK, receiver.unprotectRtp(buf));
            assertArrayEquals(LIBSRTP.get("rtp_plaintext"), readable(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void libsrtpSrtcpKnownAnswer(Kind kind) {
        // libSRTP sends its first SRTCP packet with index 1, RFC 3711 §3.4 with 0: send one packet first.
        ByteBuf first = kind.of(LIBSRTP.get("rtcp_plaintext"));
        ByteBuf buf = kind.of(LIBSRTP.get("rtcp_plaintext"));
        try {
            sender.protectRtcp(first);
            sender.protectRtcp(buf);
            assertArrayEquals(LIBSRTP.get("srtcp_packet"), readable(buf));
            assertEquals(SrtpResult.OK, receiver.unprotectRtcp(buf));
            assertArrayEquals(LIBSRTP.get("rtcp_plaintext"), readable(buf));
        } finally {
            assertTrue(first.release());
            assertTrue(buf.release());
        }
    }

    @Test
    void srtcpIndexStartsAtZeroWithTheEBitSet() {
        for (int expected = 0; expected < 3; expected++) {
            ByteBuf buf = Unpooled.buffer().writeBytes(rtcp(0x1234));
            sender.protectRtcp(buf);
            assertEquals(0x8000_0000 | expected, buf.getInt(buf.writerIndex() - SrtpContext.RTCP_TRAILER_LENGTH));
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void roundTripKeepsCsrcsAndExtensionInTheClear(Kind kind) {
        byte[] plain = HexFormat.of().parseHex(
                "92" + "00" + "0101" + "00000a00" + "11223344"   // V=2 X=1 CC=2, seq 257, ts 2560
                + "aaaaaaaa" + "bbbbbbbb"                          // two CSRCs
                + "bede0001" + "10ff0000"                          // extension, one word
                + "0102030405060708090a0b0c0d0e0f10111213");     // payload, 19 bytes
        int header = 12 + 8 + 8;
        ByteBuf buf = kind.of(plain);
        try {
            sender.protectRtp(buf);
            byte[] wire = readable(buf);
            assertEquals(plain.length + SrtpContext.RTP_TRAILER_LENGTH, wire.length);
            assertArrayEquals(Arrays.copyOf(plain, header), Arrays.copyOf(wire, header));
            assertFalse(Arrays.equals(Arrays.copyOfRange(plain, header, plain.length),
                    Arrays.copyOfRange(wire, header, plain.length)));
            assertEquals(SrtpResult.OK, receiver.unprotectRtp(buf));
            assertArrayEquals(plain, readable(buf));
            assertEquals(new SrtpStats(1, 0, 0, 0, 0), sender.stats());
            assertEquals(new SrtpStats(0, 1, 0, 0, 0), receiver.stats());
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rtcpRoundTrip(Kind kind) {
        byte[] plain = rtcp(0xCAFE);
        ByteBuf buf = kind.of(plain);
        try {
            sender.protectRtcp(buf);
            assertEquals(plain.length + SrtpContext.RTCP_TRAILER_LENGTH, buf.readableBytes());
            assertEquals(SrtpResult.OK, receiver.unprotectRtcp(buf));
            assertArrayEquals(plain, readable(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    /** Offsets into a 12 + 20 + 10 byte SRTP packet: header, SSRC, payload, last payload byte, tag. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 9, 12, 31, 32, 41})
    void tamperingAnyByteFailsAuthenticationAndChangesNothing(int offset) {
        ByteBuf buf = Unpooled.buffer().writeBytes(rtp(500, 0x51, 20));
        try {
            sender.protectRtp(buf);
            byte[] genuine = readable(buf);
            buf.setByte(buf.readerIndex() + offset, buf.getByte(buf.readerIndex() + offset) ^ 0x01);
            byte[] tampered = readable(buf);
            assertEquals(SrtpResult.AUTH_FAILED, receiver.unprotectRtp(buf));
            assertArrayEquals(tampered, readable(buf));
            assertEquals(new SrtpStats(0, 0, 1, 0, 0), receiver.stats());

            ByteBuf again = Unpooled.buffer().writeBytes(genuine);
            assertEquals(SrtpResult.OK, receiver.unprotectRtp(again), "a forgery must not move the window");
            assertTrue(again.release());
        } finally {
            assertTrue(buf.release());
        }
    }

    /** Offsets into an 8 + 24 + 4 + 10 byte SRTCP packet: header, SSRC, body, E bit, index, tag. */
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 31, 32, 35, 36, 45})
    void tamperingSrtcpFailsAuthentication(int offset) {
        ByteBuf buf = Unpooled.buffer().writeBytes(rtcp(0x77));
        try {
            sender.protectRtcp(buf);
            buf.setByte(offset, buf.getByte(offset) ^ 0x80);
            assertEquals(SrtpResult.AUTH_FAILED, receiver.unprotectRtcp(buf));
            assertEquals(1, receiver.stats().authFailures());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void otherKeysFailAuthentication() {
        ByteBuf buf = Unpooled.buffer().writeBytes(rtp(1, 1, 160));
        sender.protectRtp(buf);
        byte[] otherKey = KEY.clone();
        otherKey[15] ^= 1;
        assertEquals(SrtpResult.AUTH_FAILED, new SrtpContext(otherKey, SALT).unprotectRtp(buf));
        assertTrue(buf.release());
    }

    /** Malformed or truncated SRTP: too few bytes for the header it declares plus the 10-byte tag. */
    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "800000010000000000000001112233445566778899",           // 12 + 10 - 1 bytes
        "8f000001000000000000000100112233445566778899aabbccddeeff",   // CC=15: 60 header bytes
        "90000001000000000000000100112233445566778899aa",       // X: extension header missing
        "90000001000000000000000100000002ffffffff00112233445566778899", // X: 2 words declared, 1 left
    })
    void truncatedSrtpIsTooShort(String hex) {
        ByteBuf buf = Unpooled.buffer().writeBytes(HexFormat.of().parseHex(hex));
        try {
            assertEquals(SrtpResult.TOO_SHORT, receiver.unprotectRtp(buf));
            assertEquals(new SrtpStats(0, 0, 0, 0, 1), receiver.stats());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void truncatedSrtcpIsTooShort() {
        ByteBuf buf = Unpooled.buffer().writeZero(8 + SrtpContext.RTCP_TRAILER_LENGTH - 1);
        assertEquals(SrtpResult.TOO_SHORT, receiver.unprotectRtcp(buf));
        assertTrue(buf.release());
    }

    @Test
    void protectRefusesWhatIsNotRtpOrRtcp() {
        ByteBuf buf = Unpooled.buffer().writeZero(11);
        buf.setByte(0, 0x80);
        assertThrows(IllegalArgumentException.class, () -> sender.protectRtp(buf));
        buf.readerIndex(4);
        assertThrows(IllegalArgumentException.class, () -> sender.protectRtcp(buf));
        assertTrue(buf.release());
    }

    @Test
    void unencryptedSrtcpWithEZeroIsAcceptedAsIs() throws Exception {
        // Built here with the JCE's own HmacSHA1 over header || body || E=0,index=5 (RFC 3711 §3.4).
        byte[] plain = rtcp(0x99);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SrtpKeys.derive(KEY, SALT).rtcpAuthKey(), "HmacSHA1"));
        ByteBuf buf = Unpooled.buffer().writeBytes(plain).writeInt(5);
        mac.update(readable(buf));
        buf.writeBytes(mac.doFinal(), 0, 10);
        assertEquals(SrtpResult.OK, receiver.unprotectRtcp(buf));
        assertArrayEquals(plain, readable(buf));
        assertTrue(buf.release());
    }
}
