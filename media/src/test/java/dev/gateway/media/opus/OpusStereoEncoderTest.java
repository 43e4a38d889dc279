package dev.gateway.media.opus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two-channel encoder the call recorder uses: interleaved input, both channels coded, its lookahead. */
class OpusStereoEncoderTest {

    @Test
    void stereoAt8kTakesInterleavedFramesAndReportsItsDelay() {
        try (OpusEncoder encoder = new OpusEncoder(8000, 2, 40_000, 5, false, 0)) {
            assertEquals(2, encoder.channels());
            assertEquals(52, encoder.lookahead(), "2.5 ms + 4 ms of delay compensation at 8 kHz (libopus 1.1+)");
            assertEquals("opus(encode 8000 Hz stereo)", encoder.toString());
            short[] pcm = new short[320];
            byte[] out = new byte[OpusEncoder.MAX_PACKET_BYTES];
            int n = encoder.encode(pcm, 0, 160, out, 0, out.length);
            assertTrue(n > 0);
            assertEquals(1, (out[0] >> 2) & 1, "TOC stereo flag (RFC 6716 §3.1)");
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new short[160], 0, 160, out, 0, 100),
                    "a stereo frame of 160 samples per channel needs 320 values");
        }
        try (OpusEncoder mono = new OpusEncoder(8000, 32_000, 5, false, 0)) {
            assertEquals(1, mono.channels());
        }
        assertThrows(IllegalArgumentException.class, () -> new OpusEncoder(8000, 3, 40_000, 5, false, 0));
    }
}
