package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.g711.G711;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpPacketizer;
import dev.gateway.media.rtp.RtpParseResult;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.AddressedEnvelope;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PhoneSender} into an {@link EmbeddedChannel}: the call's 20 ms frames become whole packets of the
 * negotiated ptime, each sent in the tick that completes it, with nothing queued beyond one packet.
 */
class PhoneSenderTest {
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final InetSocketAddress PHONE = new InetSocketAddress("127.0.0.1", 40_000);
    private static final int SEQUENCE = 0xFFFE; // wraps during the test
    private static final long TIMESTAMP = 0xFFFF_FF00L;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final RtpPacketizer packetizer = new RtpPacketizer(0x1234L, SEQUENCE, TIMESTAMP, "gw-test", 0);
    private final PhoneSender sender = new PhoneSender(packetizer, G711.PCMU, channel.eventLoop());
    private final short[] frame = new short[N];

    @AfterEach
    void release() {
        assertFalse(channel.finishAndReleaseAll(), "every packet was read by the test");
    }

    /** Frame k: every sample is the linear value of μ-law code 0x80 + k, so each payload byte names its frame. */
    private void sendFrame(int k, MediaParams params) {
        Arrays.fill(frame, G711.PCMU.decode((byte) (0x80 + k)));
        sender.send(frame, 0, N, params, channel, PHONE);
    }

    private record Sent(RtpHeader header, byte[] payload) {
    }

    /** The packets written since the last call, parsed; each datagram is released. */
    private List<Sent> drain() {
        List<Sent> out = new ArrayList<>();
        AddressedEnvelope<ByteBuf, InetSocketAddress> d;
        while ((d = channel.readOutbound()) != null) {
            try {
                assertEquals(PHONE, d.recipient());
                ByteBuf buf = d.content();
                RtpHeader h = new RtpHeader();
                assertEquals(RtpParseResult.OK, RtpCodec.parse(buf, h));
                byte[] payload = new byte[h.payloadLength()];
                buf.getBytes(h.payloadIndex(), payload);
                out.add(new Sent(h, payload));
            } finally {
                d.release();
            }
        }
        return out;
    }

    @ParameterizedTest(name = "ptime {0} ms")
    @ValueSource(ints = {10, 20, 30, 40, 50, 60})
    void framesBecomeWholePacketsSentInTheTickThatCompletesThem(int ptime) {
        MediaParams params = new MediaParams(G711.PCMU, 101, ptime, PHONE, true, true);
        sender.update(null, params);
        int frames = 30; // 600 ms: a whole number of packets at every ptime
        int samples = ptime * 8;
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        List<Sent> all = new ArrayList<>();
        for (int k = 0; k < frames; k++) {
            sendFrame(k, params);
            List<Sent> now = drain();
            assertEquals(20 * (k + 1) / ptime - 20 * k / ptime, now.size(), "packets completed by frame " + k);
            all.addAll(now);
        }
        assertEquals(frames * 20 / ptime, all.size());
        for (int i = 0; i < all.size(); i++) {
            Sent p = all.get(i);
            assertEquals(0, p.header().payloadType());
            assertEquals(samples, p.payload().length, "packet " + i);
            assertEquals((SEQUENCE + i) & 0xFFFF, p.header().sequenceNumber(), "sequence of packet " + i);
            assertEquals((TIMESTAMP + (long) i * samples) & 0xFFFF_FFFFL, p.header().timestamp(), "timestamp of packet " + i);
            assertEquals(i == 0, p.header().marker(), "only the first packet has the marker");
            payloads.writeBytes(p.payload());
        }
        byte[] expected = new byte[frames * N];
        for (int k = 0; k < frames; k++) {
            Arrays.fill(expected, k * N, (k + 1) * N, (byte) (0x80 + k));
        }
        assertArrayEquals(expected, payloads.toByteArray(), "every sample once, in order");
        assertEquals(all.size(), packetizer.packets());
    }

    @Test
    void whileHeldNothingIsSentButTheRtpClockRunsOn() {
        MediaParams live = new MediaParams(G711.PCMU, 101, 20, PHONE, true, true);
        MediaParams held = new MediaParams(G711.PCMU, 101, 20, PHONE, false, true);
        sender.update(null, held);
        for (int k = 0; k < 5; k++) {
            sendFrame(k, held);
        }
        assertTrue(drain().isEmpty(), "nothing sent while the peer holds us");

        sender.update(held, live);
        sendFrame(5, live);
        List<Sent> sent = drain();
        assertEquals(1, sent.size());
        assertEquals(SEQUENCE, sent.get(0).header().sequenceNumber(), "no sequence number spent while held");
        assertEquals((TIMESTAMP + 5 * N) & 0xFFFF_FFFFL, sent.get(0).header().timestamp(), "100 ms passed");
        assertEquals((byte) 0x85, sent.get(0).payload()[0]);
    }

    @Test
    void aNewPtimeDropsThePartFilledPacket() {
        MediaParams thirty = new MediaParams(G711.PCMU, 101, 30, PHONE, true, true);
        MediaParams twenty = new MediaParams(G711.PCMU, 101, 20, PHONE, true, true);
        sender.update(null, thirty);
        sendFrame(0, thirty); // 20 of 30 ms: waits for the next frame
        assertTrue(drain().isEmpty());

        sender.update(thirty, twenty);
        sendFrame(1, twenty);
        List<Sent> sent = drain();
        assertEquals(1, sent.size());
        byte[] expected = new byte[N];
        Arrays.fill(expected, (byte) 0x81);
        assertArrayEquals(expected, sent.get(0).payload(), "only the new frame, at the new ptime");
    }

    @Test
    void aKeyPressReplacesTheAudioAndTheClockRunsOn() {
        MediaParams params = new MediaParams(G711.PCMU, 101, 20, PHONE, true, true);
        sender.update(null, params);
        assertTrue(sender.enqueueDtmf('7'));
        List<Sent> sent = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            sendFrame(k, params);
            sent.addAll(drain());
        }
        assertEquals(20, sent.size(), "one packet per frame, event or audio");
        List<Sent> events = sent.stream().filter(p -> p.header().payloadType() == 101).toList();
        assertFalse(events.isEmpty());
        assertEquals(sent.subList(0, events.size()), events, "the event's packets come first, audio after");
        assertEquals(7, events.get(0).payload()[0], "event 7");
        Sent audio = sent.get(events.size());
        assertEquals(0, audio.header().payloadType());
        assertEquals((TIMESTAMP + (long) events.size() * N) & 0xFFFF_FFFFL, audio.header().timestamp(),
                "audio resumes at its own time: the event's packets took theirs");
        assertEquals((byte) (0x80 + events.size()), audio.payload()[0], "the frames under the event are not sent late");
        assertEquals(1, sender.dtmfOut());
    }
}
