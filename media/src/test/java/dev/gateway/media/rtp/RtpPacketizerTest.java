package dev.gateway.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.rtcp.RtcpCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpPacketizerTest {

    static final class Captured implements PacketOutput {
        final List<ByteBuf> rtp = new ArrayList<>();
        final List<ByteBuf> rtcp = new ArrayList<>();

        @Override
        public void sendRtp(ByteBuf packet) {
            rtp.add(packet);
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            rtcp.add(packet);
        }

        void release() {
            rtp.forEach(ByteBuf::release);
            rtcp.forEach(ByteBuf::release);
        }
    }

    private static ByteBuf packet(RtpPacketizer p, int pt, int payloadBytes) {
        ByteBuf b = Unpooled.buffer();
        p.writeHeader(b, pt, p.timestamp());
        b.writeZero(payloadBytes);
        p.sent(b, 0, payloadBytes);
        return b;
    }

    @Test
    void headersCarrySsrcSequenceTimestampAndTheMarkerOnTheFirstPacketOnly() {
        RtpPacketizer p = new RtpPacketizer(0x11223344L, 0xFFFF, 0xFFFF_FF60L, "gw", 0);
        ByteBuf first = packet(p, 0, 160);
        p.advance(160);
        ByteBuf second = packet(p, 0, 160);
        assertEquals("80" + "80" + "ffff" + "ffffff60" + "11223344", ByteBufUtil.hexDump(first, 0, 12));
        // sequence and timestamp wrap; no marker after the first
        assertEquals("80" + "00" + "0000" + "00000000" + "11223344", ByteBufUtil.hexDump(second, 0, 12));
        assertEquals(2, p.packets());
        assertEquals(320, p.octets());
        first.release();
        second.release();
    }

    @Test
    void audioLevelExtensionFollowsRfc8285AndRfc6464() {
        RtpPacketizer p = new RtpPacketizer(1, 7, 1000, "gw", 0);
        ByteBuf b = Unpooled.buffer();
        p.writeHeaderWithLevel(b, 111, 1, 33, true);
        assertEquals("90" + "ef" + "0007" + "000003e8" + "00000001" + "bede0001" + "10" + "a1" + "0000",
                ByteBufUtil.hexDump(b));
        b.release();
    }

    @Test
    void nacksAreAnsweredFromTheHistoryWithTheSamePacket() {
        RtpPacketizer p = new RtpPacketizer(5, 100, 0, "gw", 4);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ByteBuf b = packet(p, 111, 3);
            sent.add(ByteBufUtil.hexDump(b));
            b.release();
            p.advance(960);
        }
        Captured out = new Captured();
        // pid 103 plus bit 0 (104) and bit 3 (107, never sent); 101 is older than the 4-packet history
        assertEquals(2, p.onNack(5, 103, 0b1001, UnpooledByteBufAllocator.DEFAULT, out));
        assertEquals(sent.get(3), ByteBufUtil.hexDump(out.rtp.get(0)));
        assertEquals(sent.get(4), ByteBufUtil.hexDump(out.rtp.get(1)));
        assertEquals(0, p.onNack(5, 101, 0, UnpooledByteBufAllocator.DEFAULT, out));
        assertEquals(0, p.onNack(6, 103, 0, UnpooledByteBufAllocator.DEFAULT, out), "another SSRC");
        assertEquals(2, p.retransmitted());
        out.release();
    }

    @Test
    void reportsAreSenderReportsOnceSendingWithCname() {
        RtpPacketizer p = new RtpPacketizer(9, 0, 0, "gw-9", 0);
        ByteBuf none = Unpooled.buffer();
        assertFalse(p.writeReport(none, 0, null), "nothing sent, nothing received");
        packet(p, 0, 160).release();
        ByteBuf report = Unpooled.buffer();
        assertTrue(p.writeReport(report, RtcpCodec.toNtp(0), null));
        assertEquals(RtcpCodec.PT_SR, report.getUnsignedByte(1));
        int srLength = (report.getUnsignedShort(2) + 1) * 4;
        assertEquals(RtcpCodec.PT_SDES, report.getUnsignedByte(srLength + 1));
        assertEquals(1, report.getInt(20), "packet count");
        assertEquals(160, report.getInt(24), "octet count");
        none.release();
        report.release();
    }

    @Test
    void thePayloadWriterSendsOnePacketPerFrameOnTheRtpClockAndSkipsWhileNotReady() {
        RtpPacketizer p = new RtpPacketizer(3, 0, 0, "gw", 0);
        Captured out = new Captured();
        boolean[] ready = {false};
        PacketOutput gated = new PacketOutput() {
            @Override
            public boolean isReady() {
                return ready[0];
            }

            @Override
            public void sendRtp(ByteBuf packet) {
                out.sendRtp(packet);
            }

            @Override
            public void sendRtcp(ByteBuf packet) {
                out.sendRtcp(packet);
            }
        };
        RtpPayloadWriter w = new RtpPayloadWriter(p, 111, 48000, 8000, UnpooledByteBufAllocator.DEFAULT, gated, null,
                0, () -> 0);
        w.writeEncoded(new byte[] {1, 2, 3}, 0, 3, 160);
        assertEquals(1, w.skipped());
        ready[0] = true;
        for (int i = 0; i < RtpPayloadWriter.REPORT_EVERY_PACKETS; i++) {
            w.writeEncoded(new byte[] {1, 2, 3}, 0, 3, 160);
        }
        assertEquals(RtpPayloadWriter.REPORT_EVERY_PACKETS, out.rtp.size());
        assertEquals(960, out.rtp.get(1).getUnsignedInt(4) - out.rtp.get(0).getUnsignedInt(4), "48 kHz clock");
        assertEquals(1, out.rtcp.size(), "one sender report after 250 packets");
        out.release();
    }
}
