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
}
