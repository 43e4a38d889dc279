package dev.gateway.media.webrtc.srtp;

import static dev.gateway.media.webrtc.srtp.SrtpPackets.readable;
import static dev.gateway.media.webrtc.srtp.SrtpPackets.rtcp;
import static dev.gateway.media.webrtc.srtp.SrtpPackets.rtp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Rollover counter (RFC 3711 §3.3.1, Appendix A) and replay window (§3.3.2) through protect/unprotect. */
class SrtpReplayTest {

    private static final int SSRC = 0x0BADCAFE;

    private final SrtpContext sender = new SrtpContext(SrtpContextTest.KEY, SrtpContextTest.SALT);
    private final SrtpContext receiver = new SrtpContext(SrtpContextTest.KEY, SrtpContextTest.SALT);

    @Test
    void replayedSrtpIsCountedNotThrown() {
        byte[] wire = protect(7);
        assertEquals(SrtpResult.OK, unprotect(wire));
        assertEquals(SrtpResult.REPLAYED, unprotect(wire));
        assertEquals(SrtpResult.REPLAYED, unprotect(wire));
        assertEquals(new SrtpStats(0, 1, 0, 2, 0), receiver.stats());
    }

    @Test
    void replayedSrtcpIsCountedNotThrown() {
        ByteBuf buf = Unpooled.buffer().writeBytes(rtcp(SSRC));
        sender.protectRtcp(buf);
        byte[] wire = readable(buf);
        assertTrue(buf.release());
        for (SrtpResult expected : new SrtpResult[] {SrtpResult.OK, SrtpResult.REPLAYED}) {
            ByteBuf copy = Unpooled.buffer().writeBytes(wire);
            assertEquals(expected, receiver.unprotectRtcp(copy));
            assertTrue(copy.release());
        }
        assertEquals(1, receiver.stats().replays());
    }

    @Test
    void sequenceWrapIncrementsTheRocOnBothSides() throws Exception {
        int[] seqs = {65533, 65534, 65535, 0, 1, 2};
        byte[][] wire = new byte[seqs.length][];
        for (int i = 0; i < seqs.length; i++) {
            wire[i] = protect(seqs[i]);
        }
        // Independent check that packet 0 after the wrap was tagged with ROC 1: JCE HmacSHA1 over packet || ROC.
        assertArrayEquals(jceTag(wire[3], 1), Arrays.copyOfRange(wire[3], wire[3].length - 10, wire[3].length));
        assertArrayEquals(jceTag(wire[2], 0), Arrays.copyOfRange(wire[2], wire[2].length - 10, wire[2].length));
        for (int i = 0; i < seqs.length; i++) {
            ByteBuf buf = Unpooled.buffer().writeBytes(wire[i]);
            assertEquals(SrtpResult.OK, receiver.unprotectRtp(buf), "seq " + seqs[i]);
            assertArrayEquals(rtp(seqs[i], SSRC, 40), readable(buf));
            assertTrue(buf.release());
        }
    }

    @Test
    void lateRtpFromBeforeTheWrapIsAcceptedOnce() {
        byte[] a = protect(65534);
        byte[] b = protect(65535);
        byte[] c = protect(0);
        byte[] d = protect(1);
        assertEquals(SrtpResult.OK, unprotect(a));
        assertEquals(SrtpResult.OK, unprotect(c)); // ROC 1 guessed from s_l = 65534
        assertEquals(SrtpResult.OK, unprotect(d));
        assertEquals(SrtpResult.OK, unprotect(b)); // ROC 0 guessed from s_l = 1: late, inside the window
        assertEquals(SrtpResult.REPLAYED, unprotect(b));
    }

    @Test
    void outOfOrderInsideTheWindowIsAcceptedAndTooOldIsReplayed() {
        byte[][] wire = new byte[100][];
        for (int seq = 0; seq < 100; seq++) {
            wire[seq] = protect(seq);
        }
        assertEquals(SrtpResult.OK, unprotect(wire[99]));
        for (int seq = 98; seq >= 36; seq--) {
            assertEquals(SrtpResult.OK, unprotect(wire[seq]), "seq " + seq);  // 63 behind at most
        }
        assertEquals(SrtpResult.REPLAYED, unprotect(wire[35]), "64 behind is outside the window");
        assertEquals(SrtpResult.REPLAYED, unprotect(wire[0]));
        assertEquals(new SrtpStats(0, 64, 0, 2, 0), receiver.stats());
    }

    @Test
    void ssrcsKeepTheirOwnIndexes() {
        byte[] a = protect(10, 1);
        byte[] b = protect(10, 2);
        assertEquals(SrtpResult.OK, unprotect(a));
        assertEquals(SrtpResult.OK, unprotect(b));
        assertEquals(SrtpResult.REPLAYED, unprotect(a));
    }

    @Test
    void aReceiverThatMissedTheWrapCannotAuthenticate() {
        for (int seq = 65530; seq <= 65535; seq++) {
            protect(seq);
        }
        // A receiver that joins here assumes ROC 0 (RFC 3711 §3.3.1) and the tag was made with ROC 1.
        assertEquals(SrtpResult.AUTH_FAILED, unprotect(protect(0)));
    }

    private byte[] protect(int seq) {
        return protect(seq, SSRC);
    }

    private byte[] protect(int seq, int ssrc) {
        ByteBuf buf = Unpooled.buffer().writeBytes(rtp(seq, ssrc, 40));
        sender.protectRtp(buf);
        byte[] wire = readable(buf);
        assertTrue(buf.release());
        return wire;
    }

    private SrtpResult unprotect(byte[] wire) {
        ByteBuf buf = Unpooled.buffer().writeBytes(wire);
        try {
            return receiver.unprotectRtp(buf);
        } finally {
            assertTrue(buf.release());
        }
    }

    private static byte[] jceTag(byte[] wire, int roc) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SrtpKeys.derive(SrtpContextTest.KEY, SrtpContextTest.SALT).rtpAuthKey(), "HmacSHA1"));
        mac.update(wire, 0, wire.length - 10);
        mac.update(new byte[] {(byte) (roc >>> 24), (byte) (roc >>> 16), (byte) (roc >>> 8), (byte) roc});
        return Arrays.copyOf(mac.doFinal(), 10);
    }
}
