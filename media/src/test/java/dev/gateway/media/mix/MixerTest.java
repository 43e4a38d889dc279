package dev.gateway.media.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.audio.FrameSource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MixerTest {

    private static FrameSource constant(short value, boolean audio) {
        return (now, out, off) -> {
            Arrays.fill(out, off, off + 160, audio ? value : 0);
            return audio;
        };
    }

    @Test
    void sumsTheSourcesThatHaveAudio() {
        Mixer mixer = new Mixer();
        mixer.add(constant((short) 1000, true));
        mixer.add(constant((short) -300, true));
        mixer.add(constant((short) 5000, false));
        short[] out = new short[170];
        assertTrue(mixer.read(0, out, 10));
        assertEquals(0, out[9]);
        assertEquals(700, out[10]);
        assertEquals(700, out[169]);
        assertEquals(1, mixer.framesMixed());
        assertEquals(3, mixer.size());
    }

    @Test
    void scalesAFrameThatWouldClipAsAWhole() {
        Mixer mixer = new Mixer();
        mixer.add(constant((short) 30000, true));
        mixer.add(constant((short) 30000, true));
        short[] out = new short[160];
        mixer.read(0, out, 0);
        assertEquals(32766, out[0], "the peak lands on full scale (Q16 gain, rounded down)");
        assertEquals(1, mixer.scaledFrames());
    }

    @Test
    void nothingToMixIsSilenceAndFalse() {
        Mixer mixer = new Mixer();
        short[] out = new short[160];
        Arrays.fill(out, (short) 9);
        assertFalse(mixer.read(0, out, 0));
        assertEquals(0, out[80]);
    }

    /** A source with nothing to play that scribbles over the frame it was given (the contract allows it). */
    private static FrameSource scribbler() {
        return (now, out, off) -> {
            Arrays.fill(out, off, off + 160, (short) 12345);
            return false;
        };
    }

    @Test
    void oneSpeakerIsCopiedAsItIsWithoutSumming() {
        Mixer mixer = new Mixer();
        mixer.add(scribbler());
        short[] speech = new short[160];
        for (int i = 0; i < 160; i++) {
            speech[i] = (short) (i % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE);
        }
        mixer.add((now, out, off) -> {
            System.arraycopy(speech, 0, out, off, 160);
            return true;
        });
        mixer.add(constant((short) 5000, false));
        short[] out = new short[165];
        assertTrue(mixer.read(0, out, 5));
        assertEquals(0, out[4]);
        assertArrayEquals(speech, Arrays.copyOfRange(out, 5, 165), "full-scale samples pass unscaled");
        assertEquals(1, mixer.framesMixed());
        assertEquals(0, mixer.framesSummed());
        assertEquals(0, mixer.scaledFrames());
    }

    @Test
    void aSecondSpeakerAfterTheFirstIsSummedWithIt() {
        Mixer mixer = new Mixer();
        mixer.add(constant((short) 1000, true));
        mixer.add(scribbler());
        mixer.add(constant((short) 234, true));
        mixer.add(constant((short) -34, true));
        short[] out = new short[160];
        assertTrue(mixer.read(0, out, 0));
        assertEquals(1200, out[0]);
        assertEquals(1200, out[159]);
        assertEquals(1, mixer.framesSummed());
    }

    @Test
    void sourcesWithNothingLeaveSilenceWhateverTheyWrote() {
        Mixer mixer = new Mixer();
        mixer.add(scribbler());
        mixer.add(scribbler());
        short[] out = new short[160];
        assertFalse(mixer.read(0, out, 0));
        assertArrayEquals(new short[160], out);
        assertEquals(0, mixer.framesMixed());
    }
}
