package dev.gateway.media.resample;

import static dev.gateway.media.testing.Signals.db;
import static dev.gateway.media.testing.Signals.rms;
import static dev.gateway.media.testing.Signals.sine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Signals;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Measures the filter through the public API only: sines in, RMS and tone fits out. The numbers quoted in
 * {@code package-info.java} are the ones these tests print.
 */
class PolyphaseResamplerTest {
    private static final double AMPLITUDE = 16000;
    /** Outputs skipped at the start: the filter is still filling (241 taps at 48 kHz). */
    private static final int SETTLE_48K = 480;
    private static final int SETTLE_8K = 80;

    private static short[] run(PolyphaseResampler r, short[] in) {
        short[] out = new short[r.maxOutputSamples(in.length)];
        int n = r.process(in, 0, in.length, out, 0);
        assertEquals(out.length, n, "one-shot output count");
        return out;
    }

    @Test
    void upsamplerPassbandIsFlatFrom100HzTo3400Hz() {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int f = 100; f <= 3400; f += 100) {
            short[] in = sine(f, 8000, 8000 + 200, AMPLITUDE, 0);
            short[] out = run(PolyphaseResampler.upsampler(), in);
            double gainDb = db(rms(out, SETTLE_48K, 48000) / (AMPLITUDE / Math.sqrt(2)));
            min = Math.min(min, gainDb);
            max = Math.max(max, gainDb);
        }
        String measured = String.format(Locale.ROOT, "up 8k->48k passband 100..3400 Hz: gain %.4f..%.4f dB, "
                + "ripple %.4f dB", min, max, max - min);
        System.out.println(measured);
        assertTrue(max - min < 0.5 && Math.abs(min) < 0.5 && Math.abs(max) < 0.5, measured);
    }

    @Test
    void upsamplerImagesAbove4400HzAreAtLeast60DbDown() {
        double worst = Double.MAX_VALUE;
        int worstF = 0;
        for (int f = 100; f <= 3600; f += 100) {
            short[] in = sine(f, 8000, 8000 + 200, AMPLITUDE, 0);
            short[] out = run(PolyphaseResampler.upsampler(), in);
            // the input tone's images sit at k*8000 +- f >= 4400 Hz; all that is not the tone is counted as image
            double tone = Signals.goertzelAmplitude(out, SETTLE_48K, 48000, f, 48000) / Math.sqrt(2);
            double rest = Signals.residualRms(out, SETTLE_48K, 48000, f, 48000);
            double attenuation = db(tone / rest);
            if (attenuation < worst) {
                worst = attenuation;
                worstF = f;
            }
        }
        String measured = String.format(Locale.ROOT, "up 8k->48k images (tones 100..3600 Hz): worst %.1f dB below "
                + "the tone, for a %d Hz tone", worst, worstF);
        System.out.println(measured);
        assertTrue(worst >= 60, measured);
    }

    @Test
    void downsamplerPassbandIsFlatFrom100HzTo3400Hz() {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int f = 100; f <= 3400; f += 100) {
            short[] in = sine(f, 48000, 48000 + 2400, AMPLITUDE, 0);
            short[] out = run(PolyphaseResampler.downsampler(), in);
            double gainDb = db(rms(out, SETTLE_8K, 8000) / (AMPLITUDE / Math.sqrt(2)));
            min = Math.min(min, gainDb);
            max = Math.max(max, gainDb);
        }
        String measured = String.format(Locale.ROOT, "down 48k->8k passband 100..3400 Hz: gain %.4f..%.4f dB, "
                + "ripple %.4f dB", min, max, max - min);
        System.out.println(measured);
        assertTrue(max - min < 0.5 && Math.abs(min) < 0.5 && Math.abs(max) < 0.5, measured);
    }

    @Test
    void downsamplerAliasesOfTonesFrom4600HzTo23900HzAreAtLeast60DbDown() {
        double worst = Double.MAX_VALUE;
        int worstF = 0;
        for (int f = 4600; f < 24000; f += 100) {
            // a sine and a cosine: a tone at a multiple of 4 kHz aliases to DC or 4 kHz, where one phase alone
            // may be sampled at its zeros; their powers add up to the tone's whatever the phase
            double power = 0;
            for (double phase : new double[] {0, Math.PI / 2}) {
                short[] out = run(PolyphaseResampler.downsampler(), sine(f, 48000, 24000 + 2400, AMPLITUDE, phase));
                double r = rms(out, SETTLE_8K, 4000);
                power += r * r;
            }
            double attenuation = db(AMPLITUDE / Math.sqrt(power));
            if (attenuation < worst) {
                worst = attenuation;
                worstF = f;
            }
        }
        String measured = String.format(Locale.ROOT, "down 48k->8k stopband 4600..23900 Hz: worst alias %.1f dB "
                + "below the input, at %d Hz", worst, worstF);
        System.out.println(measured);
        assertTrue(worst >= 60, measured);
    }

    @Test
    void groupDelayIs2point5MsInBothDirections() {
        PolyphaseResampler up = PolyphaseResampler.upsampler();
        PolyphaseResampler down = PolyphaseResampler.downsampler();
        assertEquals(120, up.groupDelaySamples());
        assertEquals(20, down.groupDelaySamples());

        short[] impulse8k = new short[100];
        impulse8k[10] = 16000;
        assertEquals(10 * 6 + up.groupDelaySamples(), argMaxAbs(run(up, impulse8k)), "up impulse peak (48k index)");
        short[] impulse48k = new short[600];
        impulse48k[60] = 16000;
        assertEquals(60 / 6 + down.groupDelaySamples(), argMaxAbs(run(down, impulse48k)),
                "down impulse peak (8k index)");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void toneKeepsItsFrequencyAndLinesUpAfterTheGroupDelay(boolean upsampling) {
        PolyphaseResampler r = upsampling ? PolyphaseResampler.upsampler() : PolyphaseResampler.downsampler();
        int inRate = r.inputRate();
        int outRate = r.outputRate();
        short[] out = run(r, sine(1000, inRate, inRate, AMPLITUDE, 0));
        short[] expected = sine(1000, outRate, out.length + r.groupDelaySamples(), AMPLITUDE, 0);
        int settle = upsampling ? SETTLE_48K : SETTLE_8K;
        double maxError = 0;
        for (int m = settle; m < out.length; m++) {
            maxError = Math.max(maxError, Math.abs(out[m] - expected[m - r.groupDelaySamples()]));
        }
        double frequency = Signals.zeroCrossingFrequency(out, settle, out.length - settle, outRate);
        String measured = String.format(Locale.ROOT, "%s: 1 kHz tone measured at %.3f Hz, max deviation from the "
                + "ideal tone delayed by %d samples %.1f of %.0f", r, frequency, r.groupDelaySamples(), maxError,
                AMPLITUDE);
        assertEquals(1000, frequency, 0.1, measured);
        assertTrue(maxError < AMPLITUDE * 0.005, measured);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void streamingInOddChunksEqualsOneShot(boolean upsampling) {
        Random random = new Random(42);
        short[] in = new short[20011];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) (random.nextGaussian() * 6000);
        }
        PolyphaseResampler whole = upsampling ? PolyphaseResampler.upsampler() : PolyphaseResampler.downsampler();
        short[] expected = run(whole, in);

        PolyphaseResampler chunked = upsampling ? PolyphaseResampler.upsampler() : PolyphaseResampler.downsampler();
        short[] out = new short[expected.length + 1];
        int written = 0;
        int[] sizes = {1, 7, 0, 13, 160, 5, 97, 2, 959, 11};
        for (int pos = 0, c = 0; pos < in.length; c++) {
            int n = Math.min(sizes[c % sizes.length], in.length - pos);
            written += chunked.process(in, pos, n, out, written);
            pos += n;
        }
        assertEquals(expected.length, written);
        assertArrayEquals(expected, java.util.Arrays.copyOf(out, written));

        chunked.reset();
        short[] again = new short[expected.length];
        assertEquals(expected.length, chunked.process(in, 0, in.length, again, 0));
        assertArrayEquals(expected, again, "after reset() the stream starts afresh");
    }

    @Test
    void fullScaleInputSaturatesInsteadOfWrapping() {
        short[] square = new short[800];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 20) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
        }
        short[] out = run(PolyphaseResampler.upsampler(), square);
        // the Gibbs overshoot (~9 %) of a full-scale square must clip at the rails, never wrap to the other sign
        int clipped = 0;
        for (int i = SETTLE_48K; i < out.length; i++) {
            int inputIndex = (i - 120) / 6;
            if (inputIndex % 20 >= 4 && inputIndex % 20 < 16) {
                assertEquals(Integer.signum(square[inputIndex]), Integer.signum(out[i]), "sample " + i);
            }
            if (out[i] == Short.MAX_VALUE || out[i] == Short.MIN_VALUE) {
                clipped++;
            }
        }
        assertTrue(clipped > 0, "the overshoot reached the rails");
    }

    @Test
    void rejectsUnsupportedRatiosAndShortArrays() {
        assertThrows(IllegalArgumentException.class, () -> PolyphaseResampler.create(16000, 48000));
        assertThrows(IllegalArgumentException.class, () -> PolyphaseResampler.create(8000, 8000));
        PolyphaseResampler up = PolyphaseResampler.create(8000, 48000);
        assertEquals("resample(8000->48000)", up.toString());
        assertEquals("resample(48000->8000)", PolyphaseResampler.create(48000, 8000).toString());
        assertThrows(IllegalArgumentException.class, () -> up.process(new short[160], 0, 160, new short[959], 0));
        assertThrows(IllegalArgumentException.class, () -> up.process(new short[160], 1, 160, new short[960], 0));
        assertThrows(IllegalArgumentException.class, () -> up.process(new short[160], 0, -1, new short[960], 0));
        assertThrows(IllegalArgumentException.class, () -> up.process(new short[160], 0, 160, new short[970], 11));
    }

    private static int argMaxAbs(short[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (Math.abs(x[i]) > Math.abs(x[best])) {
                best = i;
            }
        }
        return best;
    }
}
