package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.FakePhone;
import dev.gateway.media.g711.G711;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RoomAudio attached to a real CallMedia over a fake phone: what it attaches and when, room audio held before the
 * answer and played from it, and a clean detach at close. Time moves only with the test's ticks.
 */
class RoomAudioTest {
    private static final int FRAME = 160;
    private final ManualLoop loop = new ManualLoop();
    private final FakePhone phone = new FakePhone("c-1");
    private final LiveKitSettings settings = new LiveKitSettings("ws://lk.test", "key", "secretsecretsecretsecretsecret",
            10_000, 24000, 3, 20, 100, 5_000, LiveKitSettings.RingingTimeoutAction.ANSWER);
    private final RoomAudio audio = new RoomAudio("c-1", settings, loop, phone.media);
    private final OpusEncoder agentVoice = new OpusEncoder(8000, 24000, 3, false, 0);
    private final RtpHeader header = new RtpHeader();
    private int seq;

    @AfterEach
    void close() {
        audio.close();
        agentVoice.close();
    }

    /** One tick: the room's next 20 ms packet of a 1 kHz tone (when {@code roomSpeaks}) arrives, then the tick runs. */
    private void tick(boolean roomSpeaks) {
        if (roomSpeaks) {
            short[] pcm = new short[FRAME];
            for (int i = 0; i < FRAME; i++) {
                pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * (seq * FRAME + i) / 8000.0));
            }
            byte[] opus = new byte[OpusEncoder.MAX_PACKET_BYTES];
            int n = agentVoice.encode(pcm, 0, FRAME, opus, 0, opus.length);
            ByteBuf packet = Unpooled.buffer(RtpCodec.HEADER_SIZE + n);
            RtpCodec.writeHeader(packet, seq == 0, WebRtcSdpWriter.OPUS_PT, seq, 960L * seq, 0x1234);
            packet.writeBytes(opus, 0, n);
            assertEquals(RtpParseResult.OK, RtpCodec.parse(packet, header));
            audio.onRoomRtp(packet, header);
            packet.release();
            seq++;
        }
        phone.tick(null);
        loop.advanceMillis(20);
    }

    private static int peak(short[] frame) {
        int max = 0;
        for (short s : frame) {
            max = Math.max(max, Math.abs(s));
        }
        return max;
    }

    @Test
    void theRoomIsADownlinkSourceAtOnceAndTheUplinkTheSinkOnceThePublisherOpensInTheFormatTheAnswerPicked() {
        assertTrue(phone.media.pipeline().contains("mix(room mix())"), phone.media.pipeline());
        assertTrue(phone.media.pipeline().contains("(no uplink)"), phone.media.pipeline());
        audio.openUplink();
        assertTrue(phone.media.pipeline().contains("uplink(awaiting the room's answer) -> srtp"),
                phone.media.pipeline());
        tick(false); // no answer nor publisher transport yet: the frame is skipped, nothing fails
        assertEquals(1, phone.media.stats().uplinkFrames());
        assertEquals(List.of(0, 8, 111), audio.uplinkOffer()); // auto, a PCMU phone
        UplinkFormat format = audio.startUplink(answerAudio("0 8 111"));
        assertEquals(new UplinkFormat(G711.PCMU, 0), format);
        assertTrue(phone.media.pipeline().contains("tap[level] -> g711(PCMU) -> rtp -> srtp"), phone.media.pipeline());
        tick(false);
        assertEquals(2, phone.media.stats().uplinkFrames());
    }

    @Test
    void anAnswerWithoutG711StartsOpus() {
        audio.openUplink();
        audio.uplinkOffer();
        assertEquals(new UplinkFormat(null, 111), audio.startUplink(answerAudio("111")));
        assertTrue(phone.media.pipeline().contains("tap[level] -> opus(8k,cx3) -> rtp -> srtp"), phone.media.pipeline());
    }

    private static WebRtcDescription.Section answerAudio(String formats) {
        return new WebRtcDescription.Section("audio", "0", 9, "UDP/TLS/RTP/SAVPF",
                List.of(formats.split(" ")), formats.contains("111") ? 111 : -1, "recvonly",
                Map.of(), null);
    }

    @Test
    void roomAudioBeforeTheAnswerIsHeldAndPlayedFromTheAnswerOn() {
        for (int i = 0; i < 10; i++) {
            tick(true);
        }
        assertTrue(phone.sent.isEmpty(), "nothing to the phone before the answer");
        assertEquals(1, audio.roomTracks());
        long held = phone.media.stats().heldFrames();
        assertTrue(held >= 5, "the tone is held: " + held);

        phone.media.answer();
        tick(false);
        assertTrue(peak(phone.sent.get(0)) > 2000, "the first frame after the answer is held room audio, peak "
                + peak(phone.sent.get(0)));
    }

    @Test
    void closeDetachesFromTheCallsMedia() {
        audio.openUplink();
        audio.close();
        audio.close();
        String pipeline = phone.media.pipeline();
        assertTrue(pipeline.contains("(no uplink)") && pipeline.contains("mix()"), pipeline);
        assertFalse(pipeline.contains("room"), pipeline);
        phone.media.close(); // closing the call's media after the room's is harmless
    }
}
