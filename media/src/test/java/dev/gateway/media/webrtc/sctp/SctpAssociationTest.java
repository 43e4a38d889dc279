package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SctpAssociationTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static byte[] message(int i, int size) {
        byte[] m = new byte[size];
        new Random(i).nextBytes(m);
        m[0] = (byte) i;
        return m;
    }

    @Test
    void establishesAndReportsOnce() {
        SctpLink link = new SctpLink(1).established();
        assertEquals(SctpState.ESTABLISHED, link.a.stats().state());
        assertEquals(SctpState.ESTABLISHED, link.b.stats().state());
        link.run(5 * SECOND);
        assertEquals(1, link.a.established);
        assertEquals(1, link.b.established);
    }

    @Test
    void crossingInitsStillEstablish() {
        SctpLink link = new SctpLink(2, true); // both send INIT at once, as usrsctp peers do (RFC 4960 §5.2.1)
        link.established();
        link.a.association.send(0, 51, new byte[] {7}, 0, 1, true, -1);
        link.b.association.send(1, 51, new byte[] {8}, 0, 1, true, -1);
        assertTrue(link.runUntil(() -> link.a.messages.size() == 1 && link.b.messages.size() == 1, SECOND));
    }

    @Test
    void hundredReliableOrderedMessagesArriveInOrder() {
        SctpLink link = new SctpLink(5).established();
        for (int i = 0; i < 100; i++) {
            assertTrue(link.a.association.send(1, 53, message(i, 50 + i), 0, 50 + i, true, -1));
        }
        assertTrue(link.runUntil(() -> link.b.messages.size() == 100, 10 * SECOND));
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(message(i, 50 + i), link.b.messages.get(i));
            assertEquals(1, link.b.streams.get(i));
            assertEquals(53, link.b.ppids.get(i));
        }
        link.run(SECOND);
        assertEquals(0, link.a.stats().bufferedBytes());
        assertEquals(link.a.stats().lastAssignedTsn(), link.a.stats().peerCumulativeTsnAck());
        assertEquals(0, link.a.stats().retransmissions());
    }

    @Test
    void reliableOrderedSurvivesTwentyPercentLoss() {
        SctpLink link = new SctpLink(6).established();
        link.loss = 0.2;
        int count = 200;
        for (int i = 0; i < count; i++) {
            int size = 1 + (i * 37) % 3000; // some fragmented
            assertTrue(link.a.association.send(3, 53, message(i, size), 0, size, true, -1));
            if (i % 10 == 0) {
                link.step();
            }
        }
        assertTrue(link.runUntil(() -> link.b.messages.size() == count, 600 * SECOND),
                "delivered " + link.b.messages.size());
        for (int i = 0; i < count; i++) {
            int size = 1 + (i * 37) % 3000;
            assertArrayEquals(message(i, size), link.b.messages.get(i), "message " + i);
        }
        assertTrue(link.a.stats().retransmissions() > 0);
        link.run(10 * SECOND);
        assertEquals(count, link.b.messages.size(), "no duplicates delivered");
        assertEquals(SctpState.ESTABLISHED, link.a.stats().state());
    }

    @Test
    void bidirectionalTrafficUnderLossAndDuplication() {
        SctpLink link = new SctpLink(7).established();
        link.loss = 0.1;
        link.duplication = 0.2;
        for (int i = 0; i < 50; i++) {
            link.a.association.send(0, 51, message(i, 700), 0, 700, true, -1);
            link.b.association.send(1, 51, message(1000 + i, 900), 0, 900, true, -1);
            link.step();
        }
        assertTrue(link.runUntil(() -> link.a.messages.size() == 50 && link.b.messages.size() == 50, 300 * SECOND));
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(message(i, 700), link.b.messages.get(i));
            assertArrayEquals(message(1000 + i, 900), link.a.messages.get(i));
        }
        assertTrue(link.b.stats().duplicateTsns() > 0);
    }

    @Test
    void twentyKilobyteMessageFragmentsAndReassembles() {
        SctpLink link = new SctpLink(8).established();
        byte[] big = message(9, 20_000);
        assertTrue(link.a.association.send(2, 53, big, 0, big.length, true, -1));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 1, 10 * SECOND));
        assertArrayEquals(big, link.b.messages.get(0));
        assertEquals(19, link.a.stats().dataChunksSent()); // ceil(20000 / 1100)
        for (byte[] packet : link.a.sent) {
            assertTrue(packet.length <= SctpPacketWriter.MAX_PACKET, "packet of " + packet.length);
        }
    }

    @Test
    void unorderedFragmentedMessagesReassembleUnderLoss() {
        SctpLink link = new SctpLink(10).established();
        link.loss = 0.15;
        for (int i = 0; i < 20; i++) {
            assertTrue(link.a.association.send(4, 53, message(i, 5000), 0, 5000, false, -1));
        }
        assertTrue(link.runUntil(() -> link.b.messages.size() == 20, 300 * SECOND));
        Set<Integer> seen = new HashSet<>();
        for (byte[] m : link.b.messages) {
            assertTrue(seen.add((int) m[0]));
            assertArrayEquals(message(m[0], 5000), m);
        }
    }

    @Test
    void unorderedWithoutRetransmissionsLosesSomeDuplicatesNoneAndForwardsTsn() {
        SctpLink link = new SctpLink(11).established();
        link.loss = 0.2;
        int count = 300;
        for (int i = 0; i < count; i++) {
            byte[] m = ("lossy " + i).getBytes(StandardCharsets.UTF_8);
            assertTrue(link.a.association.send(1, 51, m, 0, m.length, false, 0));
            link.step();
        }
        link.run(30 * SECOND);
        link.loss = 0;
        link.run(60 * SECOND);
        Set<String> got = new HashSet<>();
        for (byte[] m : link.b.messages) {
            assertTrue(got.add(new String(m, StandardCharsets.UTF_8)), "duplicate delivery");
        }
        assertTrue(got.size() < count, "some lost");
        assertTrue(got.size() > count / 2, "most arrive: " + got.size());
        SctpStats sender = link.a.stats();
        SctpStats receiver = link.b.stats();
        assertTrue(sender.abandonedMessages() > 0);
        assertEquals(0, sender.retransmissions());
        assertTrue(sender.forwardTsnsSent() > 0);
        assertTrue(receiver.forwardTsnsReceived() > 0);
        assertEquals(sender.lastAssignedTsn(), receiver.localCumulativeTsn(), "FORWARD TSN moved the peer's cum TSN");
        assertEquals(sender.lastAssignedTsn(), sender.peerCumulativeTsnAck());
        assertEquals(0, sender.bufferedBytes());
    }

    @Test
    void orderedPartiallyReliableSkipsAbandonedMessagesAndKeepsOrder() {
        SctpLink link = new SctpLink(12).established();
        link.loss = 0.25;
        for (int i = 0; i < 200; i++) {
            assertTrue(link.a.association.send(6, 53, message(i, 2000), 0, 2000, true, 1));
            link.step();
        }
        link.run(60 * SECOND);
        link.loss = 0;
        link.run(120 * SECOND);
        int last = -1;
        for (byte[] m : link.b.messages) {
            int i = m[0] & 0xFF;
            assertTrue(i > last, "in order: " + link.b.messages.stream().map(x -> x[0] & 0xFF).toList());
            last = i;
        }
        assertTrue(link.b.messages.size() < 200, link.a.stats() + " " + link.b.stats());
        assertEquals(link.a.stats().lastAssignedTsn(), link.b.stats().localCumulativeTsn());
    }

    @Test
    void shutdownHandshakeCompletesAfterPendingData() {
        SctpLink link = new SctpLink(13).established();
        link.loss = 0.1;
        for (int i = 0; i < 10; i++) {
            link.a.association.send(0, 53, message(i, 3000), 0, 3000, true, -1);
        }
        link.a.association.shutdown(link.now);
        assertTrue(link.runUntil(() -> link.a.closedCount == 1 && link.b.closedCount == 1, 120 * SECOND));
        assertEquals(10, link.b.messages.size());
        assertEquals("shutdown", link.a.closedReason);
        assertEquals("shutdown", link.b.closedReason);
        assertEquals(SctpState.CLOSED, link.a.stats().state());
        assertEquals(SctpState.CLOSED, link.b.stats().state());
        byte[] m = {1};
        assertTrue(!link.a.association.send(0, 53, m, 0, 1, true, -1));
    }

    @Test
    void abortClosesBothSides() {
        SctpLink link = new SctpLink(14).established();
        link.a.association.abort("call ended");
        assertEquals("call ended", link.a.closedReason);
        link.step();
        assertEquals(1, link.b.closedCount);
        assertTrue(link.b.closedReason.contains("call ended"), link.b.closedReason);
        link.a.association.abort("again");
        link.run(SECOND);
        assertEquals(1, link.a.closedCount);
    }

    @Test
    void retransmissionLimitAbortsWhenThePeerVanishes() {
        SctpLink link = new SctpLink(15).established();
        link.loss = 1.0;
        link.a.association.send(0, 53, new byte[10], 0, 10, true, -1);
        assertTrue(link.runUntil(() -> link.a.closedCount == 1, 600 * SECOND));
        assertEquals("retransmission limit reached", link.a.closedReason);
    }

    @Test
    void handshakeSurvivesLostInit() {
        SctpLink link = new SctpLink(16);
        link.loss = 1.0;
        link.a.association.start(link.now);
        link.b.association.start(link.now);
        link.run(500_000_000L);
        link.loss = 0;
        assertTrue(link.runUntil(() -> link.a.established == 1 && link.b.established == 1, 30 * SECOND));
    }

    @Test
    void badChecksumIsCountedAndDropped() {
        SctpLink link = new SctpLink(17).established();
        byte[] m = {1, 2, 3};
        link.a.association.send(0, 53, m, 0, 3, true, -1);
        byte[] packet = link.a.sent.get(link.a.sent.size() - 1).clone();
        packet[packet.length - 1] ^= 1;
        link.b.association.onPacket(packet, 0, packet.length, link.now);
        assertEquals(1, link.b.stats().badChecksums());
        link.run(SECOND);
        assertEquals(1, link.b.messages.size());
    }

    @Test
    void wrongVerificationTagIsCountedAndDropped() {
        SctpLink link = new SctpLink(18).established();
        byte[] packet = SctpPacketCodec.encode(new SctpPacket(5000, 5000, 0xBAD,
                java.util.List.of(new SctpDataChunk(false, true, true, 1, 0, 0, 53, new byte[] {1}))));
        link.b.association.onPacket(packet, 0, packet.length, link.now);
        assertEquals(1, link.b.stats().badVerificationTags());
        assertEquals(0, link.b.messages.size());
    }

    @Test
    void heartbeatsAreAnswered() {
        SctpLink link = new SctpLink(19).established();
        link.run(65 * SECOND);
        assertTrue(link.a.stats().heartbeatsSent() >= 2);
        assertEquals(link.a.stats().heartbeatsSent(), link.a.stats().heartbeatAcksReceived());
        assertEquals(SctpState.ESTABLISHED, link.a.stats().state());
    }

    @Test
    void sendRefusedWhenBufferFull() {
        SctpLink link = new SctpLink(20).established();
        byte[] chunk = new byte[64 * 1024];
        int accepted = 0;
        while (link.a.association.send(0, 53, chunk, 0, chunk.length, true, -1)) {
            accepted++;
        }
        assertEquals(SctpAssociation.BUFFER_BYTES / chunk.length, accepted);
        assertTrue(link.runUntil(() -> link.b.messages.size() == 16, 60 * SECOND));
        assertTrue(link.a.association.send(0, 53, chunk, 0, chunk.length, true, -1));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "type 0x{0}: delivered={1}, reported={2}")
    @org.junit.jupiter.params.provider.CsvSource({"3F, false, false", "7F, false, true", "BF, true, false",
        "FF, true, true"})
    void unknownChunkHandledPerUpperBits(String hexType, boolean dataDelivered, boolean errorReported) {
        SctpLink link = new SctpLink(21).established();
        byte[] fromA = link.a.sent.get(link.a.sent.size() - 1);
        int bTag = io.netty.buffer.Unpooled.wrappedBuffer(fromA).getInt(4);
        int tsn = link.a.stats().lastAssignedTsn() + 1;
        SctpChunk unknown = new SctpUnknownChunk(Integer.parseInt(hexType, 16), 0, new byte[] {1, 2, 3});
        SctpChunk data = new SctpDataChunk(false, true, true, tsn, 0, 0, 51, new byte[] {42});
        byte[] packet = SctpPacketCodec.encode(new SctpPacket(5000, 5000, bTag, java.util.List.of(unknown, data)));
        int sentBefore = link.b.sent.size();
        link.b.association.onPacket(packet, 0, packet.length, link.now);
        assertEquals(dataDelivered ? 1 : 0, link.b.messages.size());
        assertEquals(1, link.b.stats().unknownChunks());
        boolean sawError = false;
        for (byte[] out : link.b.sent.subList(sentBefore, link.b.sent.size())) {
            for (SctpChunk c : SctpPacketCodec.decode(out, 0, out.length).packet().chunks()) {
                if (c instanceof SctpErrorChunk e) {
                    sawError = true;
                    assertEquals(SctpErrorCause.UNRECOGNIZED_CHUNK_TYPE, e.causes().get(0).code());
                    assertArrayEquals(((SctpUnknownChunk) unknown).wireBytes(), e.causes().get(0).info());
                }
            }
        }
        assertEquals(errorReported, sawError);
    }
}
