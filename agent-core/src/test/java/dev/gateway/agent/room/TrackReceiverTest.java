package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.opus.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * A room track that mutes: the SFU stops forwarding, and the packets on both sides of the gap are spaced so that
 * the gap, spread over the missing sequence numbers, is not a whole number of 2.5 ms at 8 kHz. Before the fix
 * {@code OpusDecoder.conceal} threw "concealed duration must be a multiple of 2.5 ms (20 samples), got 186" out of
 * the mix (and out of the media tick).
 */
class TrackReceiverTest {
    private static final long MS = 1_000_000L;

    @Test
    void concealsAGapThatIsNotAWholeNumberOfOpusQuanta() {
        byte[] opus = new byte[400];
        int length;
        try (OpusEncoder encoder = new OpusEncoder(8000, 32_000, 3, false, 0)) {
            length = encoder.encode(new short[160], 0, 160, opus, 0, opus.length);
        }
        ByteBuf packet = Unpooled.wrappedBuffer(opus, 0, length);
        short[] out = new short[160];
        try (TrackReceiver track = new TrackReceiver(1, 20, 100)) {
            long t0 = 1_000 * MS;
            // seq 1 at ts 0, then seq 3 at ts 2232: the lost seq 2 spans 1116 ticks = 186 samples at 8 kHz
            track.push(1, 0, packet, 0, length, t0);
            track.push(3, 2232, packet, 0, length, t0 + 40 * MS);
            int frames = 0;
            for (long now = t0; now <= t0 + 200 * MS; now += 20 * MS) {
                if (track.read(now, out, 0)) {
                    frames++;
                }
            }
            assertTrue(frames >= 3, "frames mixed: " + frames);
            // the lost seq 2, then the blind losses after seq 3 until the buffer goes idle (JitterBuffer.MAX_BLIND_LOSSES)
            assertEquals(6, track.concealed(), "concealed frames");
        }
    }

    /**
     * A sender that talks for 100 ms, goes into DTX (one TOC-only packet, then nothing) and talks again: the pause
     * is not audio for the mixer and costs libopus nothing; the words after it are decoded.
     */
    @Test
    void aDtxPauseIsSilenceWithoutTheCodecAndNotAudioForTheMixer() {
        short[] tone = new short[160];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 500 * i / 8000.0));
        }
        byte[] opus = new byte[400];
        int length;
        try (OpusEncoder encoder = new OpusEncoder(8000, 32_000, 3, false, 0)) {
            length = encoder.encode(tone, 0, 160, opus, 0, opus.length);
        }
        ByteBuf speech = Unpooled.wrappedBuffer(opus, 0, length);
        ByteBuf dtx = Unpooled.wrappedBuffer(new byte[] {opus[0]});
        short[] out = new short[160];
        try (TrackReceiver track = new TrackReceiver(1, 20, 100)) {
            long t0 = 1_000 * MS;
            int seq = 0;
            int audio = 0;
            int slot = 0;
            for (; slot < 5; slot++, seq++) {
                track.push(seq, slot * 960L, speech, 0, length, t0 + slot * 20 * MS);
                audio += track.read(t0 + slot * 20 * MS + 10 * MS, out, 0) ? 1 : 0;
            }
            track.push(seq++, slot * 960L, dtx, 0, 1, t0 + slot * 20 * MS);
            int pauseAudio = 0;
            for (slot++; slot < 30; slot++) {
                pauseAudio += track.read(t0 + slot * 20 * MS + 10 * MS, out, 0) ? 1 : 0;
            }
            long codecBefore = track.codecFrames();
            for (int k = 0; k < 5; k++, slot++, seq++) {
                track.push(seq, slot * 960L, speech, 0, length, t0 + slot * 20 * MS);
                audio += track.read(t0 + slot * 20 * MS + 10 * MS, out, 0) ? 1 : 0;
            }
            assertEquals(0, pauseAudio, "no frame of the pause is audio");
            assertTrue(audio >= 8, "frames of the two talk spurts heard: " + audio);
            assertTrue(track.skippedFrames() >= 2, "the DTX packet and the losses after it: " + track.skippedFrames());
            assertTrue(track.codecFrames() - codecBefore >= 4, "the second spurt is decoded");
            assertEquals(10, track.codecFrames(), "libopus ran for the ten speech packets only: " + track.stats());
        } finally {
            speech.release();
            dtx.release();
        }
    }
}
