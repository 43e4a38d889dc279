package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handshake on its own: verification-tag rules (RFC 4960 §8.5), cookies and T1 (§5.1), without a peer. */
class SctpHandshakeTest {

    private static final int PEER_TAG = 0x0BAD_CAFE;
    private static final int PEER_TSN = 77;

    private final List<SctpPacket> sent = new ArrayList<>();
    private final SctpTcb tcb = new SctpTcb(new SecureRandom());
    private final SctpBundler bundler = new SctpBundler(tcb, new SctpPacketWriter(5000, 5000, (b, off, len) -> {
        SctpDecoded d = SctpPacketCodec.decode(Arrays.copyOfRange(b, off, off + len), 0, len);
        assertTrue(d.ok(), "sent packet decodes");
        sent.add(d.packet());
    }, tcb.counters));
    private int established;

    private SctpHandshake handshake(boolean client) {
        return new SctpHandshake(client, tcb, bundler, new SctpAssociation.Listener() {
            @Override
            public void onEstablished() {
                established++;
            }

            @Override
            public void onMessage(int streamId, int ppid, byte[] data, int off, int len) {
            }

            @Override
            public void onClosed(String reason) {
            }
        }, new SecureRandom());
    }

    private static SctpPacket packet(int tag, SctpChunk... chunks) {
        return new SctpPacket(5000, 5000, tag, List.of(chunks));
    }

    private static SctpInitChunk peerInit(boolean ack, byte[] cookie) {
        return new SctpInitChunk(ack, PEER_TAG, SctpAssociation.BUFFER_BYTES, 16, 16, PEER_TSN, true, cookie);
    }

    @Test
    void tagRules() {
        SctpHandshake h = handshake(false);
        assertTrue(h.tagAcceptable(packet(0, peerInit(false, null))), "INIT under tag 0");
        assertFalse(h.tagAcceptable(packet(5, peerInit(false, null))), "INIT under another tag");
        assertFalse(h.tagAcceptable(packet(0, peerInit(false, null), new SctpCookieAckChunk())),
                "INIT must be alone in its packet");
        assertTrue(h.tagAcceptable(packet(tcb.localTag, new SctpCookieAckChunk())));
        assertFalse(h.tagAcceptable(packet(tcb.localTag + 1, new SctpCookieAckChunk())));
        assertFalse(h.tagAcceptable(packet(0, new SctpAbortChunk(true, List.of()))),
                "a reflected ABORT before the peer's tag is known");
        tcb.peerTag = PEER_TAG;
        assertTrue(h.tagAcceptable(packet(PEER_TAG, new SctpAbortChunk(true, List.of()))));
        assertTrue(h.tagAcceptable(packet(PEER_TAG, new SctpShutdownCompleteChunk(true))));
        assertFalse(h.tagAcceptable(packet(PEER_TAG, new SctpShutdownCompleteChunk(false))),
                "an unreflected SHUTDOWN COMPLETE carries our tag");
        assertTrue(h.tagAcceptable(packet(tcb.localTag, new SctpAbortChunk(false, List.of()))));
    }

    @Test
    void serverAnswersInitStatelesslyThenEstablishesOnItsCookie() {
        SctpHandshake h = handshake(false);
        h.start();
        assertEquals(0, sent.size(), "the DTLS server waits for INIT");

        h.onInit(peerInit(false, null));
        assertEquals(SctpState.CLOSED, tcb.state, "INIT ACK keeps no state");
        assertEquals(PEER_TAG, sent.get(0).verificationTag());
        SctpInitChunk ack = assertInstanceOf(SctpInitChunk.class, sent.get(0).chunks().get(0));
        assertTrue(ack.ack());
        assertEquals(tcb.localTag, ack.initiateTag());

        h.onCookieEcho(new SctpCookieEchoChunk(ack.stateCookie()));
        assertEquals(SctpState.ESTABLISHED, tcb.state);
        assertEquals(PEER_TAG, tcb.peerTag);
        assertEquals(1, established);
        assertTrue(tcb.heartbeat.running());
        bundler.flush();
        assertInstanceOf(SctpCookieAckChunk.class, sent.get(1).chunks().get(0));
    }

    @Test
    void staleOrForeignCookiesAreCountedAndIgnored() {
        SctpHandshake h = handshake(false);
        h.onInit(peerInit(false, null));
        byte[] cookie = ((SctpInitChunk) sent.get(0).chunks().get(0)).stateCookie();

        handshake(false).onCookieEcho(new SctpCookieEchoChunk(cookie)); // another secret
        tcb.now += SctpAssociation.COOKIE_LIFETIME_NANOS + 1;
        h.onCookieEcho(new SctpCookieEchoChunk(cookie));

        assertEquals(2, tcb.counters.malformedPackets.sum());
        assertEquals(SctpState.CLOSED, tcb.state);
        assertEquals(0, established);
    }

    @Test
    void clientRetransmitsInitOnT1AndGivesUpAfterMaxInitRetransmits() {
        SctpHandshake h = handshake(true);
        h.start();
        assertEquals(SctpState.COOKIE_WAIT, tcb.state);
        assertEquals(1, sent.size());
        int resent = 0;
        while (true) {
            tcb.now += SctpRto.MAX_NANOS;
            assertTrue(tcb.t1.expire(tcb.now), "T1 runs while INIT is unanswered");
            if (!h.onT1Expiry()) {
                break;
            }
            resent++;
        }
        assertEquals(SctpAssociation.MAX_INIT_RETRANSMISSIONS, resent);
        assertEquals(1 + resent, sent.size());
        assertEquals(SctpRto.MAX_NANOS, tcb.rto.rtoNanos(), "backed off up to the maximum");
    }

    @Test
    void initAckMovesTheClientToCookieEchoedWithAFreshT1Count() {
        SctpHandshake h = handshake(true);
        h.start();
        tcb.now += SctpRto.MAX_NANOS;
        assertTrue(tcb.t1.expire(tcb.now));
        assertTrue(h.onT1Expiry());

        h.onInitAck(peerInit(true, new byte[] {1, 2, 3, 4}));

        assertEquals(SctpState.COOKIE_ECHOED, tcb.state);
        assertEquals(0, tcb.t1.expiries());
        SctpPacket echo = sent.get(sent.size() - 1);
        assertEquals(PEER_TAG, echo.verificationTag());
        assertInstanceOf(SctpCookieEchoChunk.class, echo.chunks().get(0));
        h.onCookieAck();
        assertEquals(SctpState.ESTABLISHED, tcb.state);
        assertFalse(tcb.t1.running());
        assertTrue(h.onT1Expiry(), "nothing left to retransmit");
        assertEquals(1, established);
    }
}
