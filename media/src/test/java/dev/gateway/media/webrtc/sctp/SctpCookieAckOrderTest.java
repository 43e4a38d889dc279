package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins an interop bug seen against pion (LiveKit): the side that answers COOKIE ECHO used to send the DATA its
 * {@code onEstablished} queued (the DCEP OPEN) in a packet before the COOKIE ACK; the peer, still in COOKIE-ECHOED,
 * dropped it and the message waited for a 1 s retransmission. RFC 4960 §5.1: DATA may only follow the COOKIE ACK.
 */
class SctpCookieAckOrderTest {

    @Test
    void dataQueuedWhenEstablishedFollowsTheCookieAck() {
        Deque<byte[]> toServer = new ArrayDeque<>();
        Deque<byte[]> toClient = new ArrayDeque<>();
        List<byte[]> fromServer = new ArrayList<>();
        SctpAssociation[] server = new SctpAssociation[1];
        SctpAssociation client = new SctpAssociation(true, 5000, 5000,
                (b, off, len) -> toServer.add(Arrays.copyOfRange(b, off, off + len)), new Quiet());
        server[0] = new SctpAssociation(false, 5000, 5000, (b, off, len) -> {
            byte[] p = Arrays.copyOfRange(b, off, off + len);
            fromServer.add(p);
            toClient.add(p);
        }, new Quiet() {
            @Override
            public void onEstablished() {
                server[0].send(0, 50, new byte[] {3, 0, 0, 0}, 0, 4, true, -1); // as DCEP opens a channel at once
            }
        });
        long now = 0;
        client.start(now);
        for (int round = 0; round < 10 && !(toServer.isEmpty() && toClient.isEmpty()); round++) {
            while (!toServer.isEmpty()) {
                byte[] p = toServer.poll();
                server[0].onPacket(p, 0, p.length, now);
            }
            while (!toClient.isEmpty()) {
                byte[] p = toClient.poll();
                client.onPacket(p, 0, p.length, now);
            }
        }
        boolean cookieAckSeen = false;
        boolean dataSeen = false;
        for (byte[] p : fromServer) {
            SctpDecoded d = SctpPacketCodec.decode(p, 0, p.length);
            assertTrue(d.ok(), "server packet decodes");
            for (SctpChunk c : d.packet().chunks()) {
                if (c instanceof SctpCookieAckChunk) {
                    cookieAckSeen = true;
                }
                if (c instanceof SctpDataChunk) {
                    assertTrue(cookieAckSeen, "DATA was sent before the COOKIE ACK");
                    dataSeen = true;
                }
            }
        }
        assertTrue(dataSeen, "the DATA queued in onEstablished went out");
        assertFalse(client.stats().retransmissions() > 0);
        assertTrue(client.stats().messagesDelivered() == 1, "the peer delivered it at once, with no retransmission");
    }

    private static class Quiet implements SctpAssociation.Listener {
        @Override
        public void onEstablished() {
        }

        @Override
        public void onMessage(int streamId, int ppid, byte[] data, int off, int len) {
        }

        @Override
        public void onClosed(String reason) {
        }
    }
}
