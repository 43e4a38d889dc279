package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.g711.G711;
import dev.gateway.media.rtp.PacketOutput;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The packets the room gets for a G.711 caller: the phone's own bytes, 8 kHz clock, audio level, answer's PT. */
class RoomUplinkTest {
    private final List<byte[]> packets = new ArrayList<>();
    private final PacketOutput capture = new PacketOutput() {
        @Override
        public void sendRtp(ByteBuf packet) {
            byte[] b = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), b);
            packets.add(b);
            packet.release();
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            packet.release();
        }
    };

    @ParameterizedTest
    @EnumSource(G711.class)
    void theRoomGetsThePhonesBytesOnAnEightKilohertzClockWithTheAudioLevel(G711 law) {
        // the phone's bytes: every code once (but mu-law's negative zero 0x7F, which plays as 0xFF's silence)
        byte[] phone = new byte[320];
        for (int i = 0; i < phone.length; i++) {
            phone[i] = (byte) (law == G711.PCMU && (i & 0xFF) == 0x7F ? 0xFF : i);
        }
        short[] playedOut = new short[phone.length];
        law.decode(phone, 0, phone.length, playedOut, 0);

        RoomUplink uplink = new RoomUplink(ByteBufAllocator.DEFAULT, 24000, 3, "gw-c1");
        uplink.bind(capture);
        uplink.write(playedOut, 0, 160); // before the answer: nothing
        assertTrue(packets.isEmpty());
        uplink.start(new UplinkFormat(law, law.payloadType()));
        assertEquals("tap[level] -> g711(" + law.encodingName() + ") -> rtp -> srtp", uplink.toString());
        uplink.write(playedOut, 0, 160);
        uplink.write(playedOut, 160, 160);
        uplink.close();

        assertEquals(2, packets.size());
        RtpHeader first = parse(packets.get(0));
        RtpHeader second = parse(packets.get(1));
        for (int p = 0; p < 2; p++) {
            RtpHeader h = p == 0 ? first : second;
            byte[] packet = packets.get(p);
            assertEquals(law.payloadType(), h.payloadType());
            assertEquals(uplink.ssrc(), h.ssrc());
            assertTrue(h.extension(), "RFC 6464 audio level kept");
            byte[] payload = new byte[h.payloadLength()];
            System.arraycopy(packet, h.payloadIndex(), payload, 0, payload.length);
            byte[] sent = new byte[160];
            System.arraycopy(phone, p * 160, sent, 0, 160);
            assertArrayEquals(sent, payload, "packet " + p + " carries the phone's bytes");
        }
        assertEquals((first.sequenceNumber() + 1) & 0xFFFF, second.sequenceNumber());
        assertEquals((first.timestamp() + 160) & 0xFFFFFFFFL, second.timestamp(), "8 kHz RTP clock");
    }

    private static RtpHeader parse(byte[] packet) {
        RtpHeader h = new RtpHeader();
        ByteBuf b = Unpooled.wrappedBuffer(packet);
        assertEquals(RtpParseResult.OK, RtpCodec.parse(b, h));
        return h;
    }
}
