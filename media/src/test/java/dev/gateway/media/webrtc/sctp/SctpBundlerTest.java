package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The order of what one flush sends, and the SACK policy (RFC 4960 §6.2, §6.10), without a peer. */
class SctpBundlerTest {

    private static final int PEER_TAG = 0x1234_5678;
    private static final long NOW = 1_000_000_000L;

    private final List<SctpPacket> sent = new ArrayList<>();
    private SctpTcb tcb;
    private SctpBundler bundler;

    @BeforeEach
    void establishedWithQueues() {
        tcb = new SctpTcb(new SecureRandom());
        bundler = new SctpBundler(tcb, new SctpPacketWriter(5000, 5000, (b, off, len) -> {
            SctpDecoded d = SctpPacketCodec.decode(Arrays.copyOfRange(b, off, off + len), 0, len);
            assertTrue(d.ok(), "sent packet decodes");
            sent.add(d.packet());
        }, tcb.counters));
        tcb.peerTag = PEER_TAG;
        tcb.createQueues(100, SctpAssociation.BUFFER_BYTES);
        tcb.state = SctpState.ESTABLISHED;
        tcb.now = NOW;
    }

    @Test
    void owedControlThenSackThenDataInOnePacket() {
        bundler.owe(new SctpCookieAckChunk());
        bundler.owe(new SctpHeartbeatChunk(true, new byte[] {1, 2}));
        bundler.sackNow();
        assertTrue(tcb.sendQueue.enqueue(3, 51, new byte[] {9, 8, 7}, 0, 3, true, -1));

        bundler.flush();

        assertEquals(1, sent.size());
        SctpPacket p = sent.get(0);
        assertEquals(PEER_TAG, p.verificationTag());
        List<SctpChunk> chunks = p.chunks();
        assertEquals(4, chunks.size());
        assertInstanceOf(SctpCookieAckChunk.class, chunks.get(0));
        assertInstanceOf(SctpHeartbeatChunk.class, chunks.get(1));
        assertInstanceOf(SctpSackChunk.class, chunks.get(2));
        SctpDataChunk data = assertInstanceOf(SctpDataChunk.class, chunks.get(3));
        assertEquals(3, data.streamId());
        assertTrue(tcb.t3.running(), "DATA in flight starts T3");
    }

    @Test
    void owedChunksGoOutOnceAndNothingIsSentWhenNothingIsOwed() {
        bundler.owe(new SctpCookieAckChunk());
        bundler.flush();
        bundler.flush();
        assertEquals(1, sent.size());
        assertEquals(1, sent.get(0).chunks().size());
    }

    @Test
    void firstDataPacketDelaysTheSackAndTheSecondSendsIt() {
        bundler.onDataPacket();
        assertTrue(tcb.delayedSack.running());
        assertFalse(tcb.delayedSack.expire(NOW + SctpAssociation.DELAYED_SACK_NANOS - 1));
        bundler.flush();
        assertEquals(0, sent.size(), "one packet of DATA: the SACK waits");

        bundler.onDataPacket();
        bundler.flush();
        assertEquals(1, sent.size());
        assertInstanceOf(SctpSackChunk.class, sent.get(0).chunks().get(0));
        assertFalse(tcb.delayedSack.running(), "a SACK sent stops the delayed-SACK timer");

        bundler.onDataPacket();
        bundler.flush();
        assertEquals(1, sent.size(), "the count starts again after each SACK");
    }

    @Test
    void delayedSackRidesWithOutgoingData() {
        bundler.onDataPacket();
        assertTrue(tcb.sendQueue.enqueue(0, 51, new byte[] {1}, 0, 1, true, -1));
        bundler.flush();
        assertEquals(1, sent.size());
        List<SctpChunk> chunks = sent.get(0).chunks();
        assertInstanceOf(SctpSackChunk.class, chunks.get(0));
        assertInstanceOf(SctpDataChunk.class, chunks.get(1));
    }

    @Test
    void sendAloneUsesItsOwnTagAndPacket() {
        bundler.owe(new SctpCookieAckChunk());
        bundler.sendAlone(0, new SctpInitChunk(false, tcb.localTag, SctpAssociation.BUFFER_BYTES,
                SctpAssociation.STREAMS, SctpAssociation.STREAMS, tcb.localInitialTsn, true, null));
        assertEquals(1, sent.size());
        assertEquals(0, sent.get(0).verificationTag());
        assertEquals(1, sent.get(0).chunks().size());
        bundler.flush();
        assertEquals(2, sent.size(), "the owed chunk is still owed");
        assertInstanceOf(SctpCookieAckChunk.class, sent.get(1).chunks().get(0));
    }

    @Test
    void nothingIsSentOnceClosed() {
        bundler.owe(new SctpCookieAckChunk());
        bundler.sackNow();
        tcb.closed = true;
        bundler.flush();
        assertEquals(0, sent.size());
    }

    @Test
    void noDataBeforeEstablished() {
        tcb.state = SctpState.COOKIE_ECHOED;
        assertTrue(tcb.sendQueue.enqueue(0, 51, new byte[] {1}, 0, 1, true, -1));
        bundler.flush();
        assertEquals(0, sent.size());
        assertFalse(tcb.t3.running());
    }
}
