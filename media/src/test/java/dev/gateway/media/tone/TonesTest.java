package dev.gateway.media.tone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Goertzel;
import dev.gateway.media.tone.Tones.Segment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TonesTest {
    private static final int RATE = 8000;
    /** 5 ms edge ramp at 8 kHz, in samples. */
    private static final int RAMP = 40;

    static Stream<Arguments> lengths() {
        return Stream.of(
                Arguments.of("one 100 ms tone at 8 kHz", 8000, List.of(new Segment(1000, 100, 0.5)), 800),
                Arguments.of("the local agent's greeting", 8000, List.of(new Segment(660, 160, 0.25),
                        new Segment(0, 40, 0), new Segment(880, 220, 0.25), new Segment(0, 100, 0)), 4160),
                Arguments.of("20 ms at 16 kHz", 16000, List.of(new Segment(440, 20, 1)), 320),
                Arguments.of("two 5 ms segments at 48 kHz", 48000, List.of(new Segment(440, 5, 1), new Segment(0, 5, 0)), 480),
                Arguments.of("no segments", 8000, List.of(), 0));
    }

    @ParameterizedTest(name = "{0} -> {3} samples")
    @MethodSource("lengths")
    void lengthIsTheSumOfTheDurations(String name, int rate, List<Segment> segments, int expected) {
        assertEquals(expected, Tones.render(rate, segments.toArray(new Segment[0])).length);
    }

    @Test
    void a1000HzSegmentHasItsEnergyAt1000Hz() {
        short[] pcm = Tones.render(RATE, new Segment(1000, 200, 0.5));
        double at1000 = Goertzel.amplitude(pcm, 1000, RATE);
        double full = 0.5 * 32767;
        // the two 5 ms ramps cost about 2.5 % of the 200 ms block's amplitude
        assertTrue(at1000 > 0.95 * full && at1000 < 1.0 * full, "1 kHz amplitude " + at1000);
        for (double other : new double[] {300, 500, 800, 1200, 1500, 2000, 3000}) {
            double a = Goertzel.amplitude(pcm, other, RATE);
            assertTrue(a < at1000 / 100, other + " Hz has " + a + " against " + at1000 + " at 1 kHz");
        }
    }

    @Test
    void eachSegmentKeepsItsOwnFrequency() {
        short[] pcm = Tones.render(RATE, new Segment(660, 160, 0.25), new Segment(880, 220, 0.25));
        int first = 160 * 8;
        double firstAt660 = Goertzel.amplitude(pcm, 0, first, 660, RATE);
        double firstAt880 = Goertzel.amplitude(pcm, 0, first, 880, RATE);
        double secondAt660 = Goertzel.amplitude(pcm, first, pcm.length - first, 660, RATE);
        double secondAt880 = Goertzel.amplitude(pcm, first, pcm.length - first, 880, RATE);
        assertTrue(firstAt660 > 10 * firstAt880, firstAt660 + " vs " + firstAt880);
        assertTrue(secondAt880 > 10 * secondAt660, secondAt880 + " vs " + secondAt660);
    }

    @Test
    void peakStaysWithinTheAmplitude() {
        short[] pcm = Tones.render(RATE, new Segment(1000, 100, 0.5));
        int peak = 0;
        for (short s : pcm) {
            peak = Math.max(peak, Math.abs(s));
        }
        assertTrue(peak <= Math.round(0.5 * 32767), "peak " + peak);
        assertTrue(peak >= 0.99 * 0.5 * 32767, "peak " + peak);
    }

    @Test
    void fullAmplitudeDoesNotWrap() {
        short[] pcm = Tones.render(RATE, new Segment(2000, 20, 1.0)); // peaks land exactly on +-1
        int max = Short.MIN_VALUE;
        int min = Short.MAX_VALUE;
        for (short s : pcm) {
            max = Math.max(max, s);
            min = Math.min(min, s);
        }
        assertEquals(32767, max);
        assertEquals(-32767, min);
    }

    @Test
    void edgesRampSoTheToneStartsAndEndsNearZero() {
        double full = 0.5 * 32767;
        short[] pcm = Tones.render(RATE, new Segment(1000, 100, 0.5), new Segment(1000, 100, 0.5));
        assertEquals(0, pcm[0]);
        assertEquals(0, pcm[pcm.length - 1]);
        // without a ramp the first millisecond (8 samples) of a 1 kHz sine reaches full amplitude
        assertTrue(maxAbs(pcm, 0, 8) < 0.1 * full, "first ms " + maxAbs(pcm, 0, 8));
        assertTrue(maxAbs(pcm, pcm.length - 8, 8) < 0.1 * full, "last ms " + maxAbs(pcm, pcm.length - 8, 8));
        // and the joint between the two segments ramps down and up again (no click)
        assertTrue(maxAbs(pcm, 800 - 8, 16) < 0.1 * full, "joint " + maxAbs(pcm, 800 - 8, 16));
        // past the ramp the sine is at full strength
        assertTrue(maxAbs(pcm, RAMP, 8) > 0.99 * full, "after the ramp " + maxAbs(pcm, RAMP, 8));
    }

    @Test
    void rampEnvelopeRisesMonotonically() {
        // at 2 kHz every odd sample is a peak (+1, -1, ...); the peaks trace the raised-cosine envelope
        short[] pcm = Tones.render(RATE, new Segment(2000, 50, 1.0));
        int previous = -1;
        for (int i = 1; i < RAMP; i += 2) {
            int peak = Math.abs(pcm[i]);
            assertTrue(peak > previous, "peak at sample " + i + " is " + peak + ", previous " + previous);
            previous = peak;
        }
    }

    @Test
    void silenceSegmentIsAllZeros() {
        short[] pcm = Tones.render(RATE, new Segment(1000, 100, 0.5), new Segment(0, 50, 0.7), new Segment(1000, 100, 0.5));
        assertEquals(2000, pcm.length);
        for (int i = 800; i < 1200; i++) {
            assertEquals(0, pcm[i], "sample " + i);
        }
        assertTrue(maxAbs(pcm, 1200 + RAMP, 100) > 10_000, "the tone after the pause is there");
    }

    @Test
    void zeroAmplitudeIsSilence() {
        for (short s : Tones.render(RATE, new Segment(440, 30, 0))) {
            assertEquals(0, s);
        }
    }

    static Stream<Arguments> badSegments() {
        return Stream.of(
                Arguments.of("negative frequency", -1.0, 100, 0.5),
                Arguments.of("zero duration", 440.0, 0, 0.5),
                Arguments.of("negative duration", 440.0, -20, 0.5),
                Arguments.of("negative amplitude", 440.0, 100, -0.1),
                Arguments.of("amplitude above full scale", 440.0, 100, 1.01));
    }

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("badSegments")
    void invalidSegmentIsRejected(String name, double frequencyHz, int durationMs, double amplitude) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Segment(frequencyHz, durationMs, amplitude));
        assertTrue(e.getMessage().contains("bad tone segment"), e.getMessage());
    }

    private static int maxAbs(short[] pcm, int offset, int count) {
        int max = 0;
        for (int i = offset; i < offset + count; i++) {
            max = Math.max(max, Math.abs(pcm[i]));
        }
        return max;
    }
}
