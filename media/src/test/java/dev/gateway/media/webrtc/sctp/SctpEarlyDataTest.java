package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DATA under our verification tag that arrives after our stateless INIT ACK but before the peer's COOKIE ECHO
 * (RFC 4960 §5.1: the server keeps no state until the cookie): no queues exist yet, so the chunk is counted and
 * dropped. It used to throw a NullPointerException out of {@code onPacket} onto the event loop.
 */
class SctpEarlyDataTest {

    @Test
    void dataBeforeTheCookieEchoIsDroppedNotThrown() {
        List<byte[]> out = new ArrayList<>();
        SctpAssociation server = new SctpAssociation(false, 5000, 5000,
                (b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len)), new SctpAssociation.Listener() {
                    @Override
                    public void onEstablished() {
                    }

                    @Override
                    public void onMessage(int streamId, int ppid, byte[] data, int off, int len) {
                    }

                    @Override
                    public void onClosed(String reason) {
                    }
                });
        server.start(0);
        SctpInitChunk init = new SctpInitChunk(false, 0x1234_5678, SctpAssociation.BUFFER_BYTES, 16, 16, 100, true, null);
        byte[] initPacket = SctpPacketCodec.encode(new SctpPacket(5000, 5000, 0, List.of(init)));
        server.onPacket(initPacket, 0, initPacket.length, 0);
        assertEquals(1, out.size(), "INIT ACK sent");
        SctpDecoded ack = SctpPacketCodec.decode(out.get(0), 0, out.get(0).length);
        SctpInitChunk initAck = assertInstanceOf(SctpInitChunk.class, ack.packet().chunks().get(0));
        assertTrue(initAck.ack());

        SctpDataChunk data = new SctpDataChunk(false, true, true, 100, 0, 0, 51, new byte[] {1, 2, 3});
        byte[] dataPacket = SctpPacketCodec.encode(new SctpPacket(5000, 5000, initAck.initiateTag(), List.of(data)));
        server.onPacket(dataPacket, 0, dataPacket.length, 1_000_000);

        assertEquals(SctpState.CLOSED, server.state(), "still waiting for the cookie");
        assertEquals(1, server.stats().dataChunksReceived(), "counted");
        assertEquals(0, server.stats().messagesDelivered(), "not delivered");
    }
}
