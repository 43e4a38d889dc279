package dev.gateway.media.resample;

/**
 * Streaming polyphase resampler for the two fixed ratios the gateway needs: 8000 -> 48000 Hz (up by 6) and
 * 48000 -> 8000 Hz (down by 6), on 16-bit mono PCM.
 *
 * <p>Both directions share one prototype lowpass at 48 kHz: a {@value #PROTOTYPE_TAPS}-tap windowed sinc
 * (Kaiser window, beta {@value #KAISER_BETA}) with its -6 dB cutoff at {@value #CUTOFF_HZ} Hz, built once when
 * the class loads. Up-sampling splits it into {@value #FACTOR} phases of {@value #TAPS_PER_PHASE} taps (one per
 * output sample, gain 6 so that a tone keeps its level); down-sampling runs the whole filter once per kept
 * output sample. The measured response is in {@code package-info.java}.
 *
 * <p>Group delay: the filter is symmetric with (241 - 1) / 2 = 120 taps of delay at 48 kHz, i.e. exactly 2.5 ms:
 * 120 output samples when up-sampling, 20 when down-sampling ({@link #groupDelaySamples()}). Input sample 0 of
 * the down-sampler lines up with output sample 0; later outputs take every sixth input.
 *
 * <p>Streaming: the filter history (and, when down-sampling, the position within the group of six inputs)
 * carries over between {@link #process} calls, so cutting the input into chunks of any size gives the same
 * output as one call. {@link #reset()} forgets it (a new stream, or after a gap).
 *
 * <p>Mutable scratch owned by one call direction: loop-confined, not thread-safe; {@link #process} never
 * allocates and never keeps the caller's arrays.
 */
public final class PolyphaseResampler {
    /** The only ratio: 48000 / 8000. */
    public static final int FACTOR = 6;
    static final int NARROW_RATE = 8000;
    static final int WIDE_RATE = 48000;
    /** Odd and symmetric; (PROTOTYPE_TAPS - 1) / 2 = 120 is a multiple of 6, so the delay is whole at both rates. */
    static final int PROTOTYPE_TAPS = 241;
    static final int TAPS_PER_PHASE = (PROTOTYPE_TAPS + FACTOR - 1) / FACTOR;
    static final double CUTOFF_HZ = 3800.0;
    static final double KAISER_BETA = 7.0;
    /** Group delay of the prototype, in 48 kHz samples. */
    static final int PROTOTYPE_DELAY = (PROTOTYPE_TAPS - 1) / 2;

    /** Prototype taps, unity gain at DC, in time order (symmetric, so also in reverse). */
    private static final float[] PROTOTYPE = designPrototype();
    /** UP_PHASES[p][i]: tap for output phase p applied to the i-th oldest of TAPS_PER_PHASE inputs; gain x6. */
    private static final float[][] UP_PHASES = splitPhases(PROTOTYPE);

    private final boolean up;
    /** Delay line written twice, so that the newest {@code length} samples are always contiguous. */
    private final float[] line;
    private final int length;
    private int writePos;
    /** Down-sampling only: inputs since the last kept output, 0 means the next input produces an output. */
    private int phase;

    private PolyphaseResampler(boolean up) {
        this.up = up;
        this.length = up ? TAPS_PER_PHASE : PROTOTYPE_TAPS;
        this.line = new float[2 * length];
    }

    /** 8000 -> 48000 Hz. */
    public static PolyphaseResampler upsampler() {
        return new PolyphaseResampler(true);
    }

    /** 48000 -> 8000 Hz. */
    public static PolyphaseResampler downsampler() {
        return new PolyphaseResampler(false);
    }

    /**
     * The resampler for {@code inputRate -> outputRate}.
     *
     * @throws IllegalArgumentException unless the pair is 8000 -> 48000 or 48000 -> 8000
     */
    public static PolyphaseResampler create(int inputRate, int outputRate) {
        if (inputRate == NARROW_RATE && outputRate == WIDE_RATE) {
            return upsampler();
        }
        if (inputRate == WIDE_RATE && outputRate == NARROW_RATE) {
            return downsampler();
        }
        throw new IllegalArgumentException("unsupported ratio " + inputRate + " -> " + outputRate
                + " Hz; only 8000 -> 48000 and 48000 -> 8000");
    }

    public int inputRate() {
        return up ? NARROW_RATE : WIDE_RATE;
    }

    public int outputRate() {
        return up ? WIDE_RATE : NARROW_RATE;
    }

    /** Group delay in output samples: 120 (up) or 20 (down), both 2.5 ms. */
    public int groupDelaySamples() {
        return up ? PROTOTYPE_DELAY : PROTOTYPE_DELAY / FACTOR;
    }

    /** The most samples one {@link #process} call of {@code inCount} inputs may write (exact when up-sampling). */
    public int maxOutputSamples(int inCount) {
        return up ? inCount * FACTOR : (inCount + FACTOR - 1) / FACTOR;
    }

    /**
     * Resamples {@code in[inOff .. inOff+inCount)} into {@code out[outOff ..]}, continuing the stream.
     *
     * @return samples written: {@code 6 * inCount} when up-sampling; when down-sampling one per six inputs,
     *     which may be one more or less than {@code inCount / 6} depending on where the previous call stopped
     * @throws IllegalArgumentException if a range lies outside its array or {@code out} has less room than
     *     {@link #maxOutputSamples(int)}
     */
    public int process(short[] in, int inOff, int inCount, short[] out, int outOff) {
        if (inOff < 0 || inCount < 0 || inOff > in.length - inCount) {
            throw new IllegalArgumentException("input range " + inOff + "+" + inCount + " outside " + in.length);
        }
        int room = maxOutputSamples(inCount);
        if (outOff < 0 || outOff > out.length - room) {
            throw new IllegalArgumentException("output needs " + room + " samples from " + outOff
                    + ", array holds " + out.length);
        }
        return up ? upsample(in, inOff, inCount, out, outOff) : downsample(in, inOff, inCount, out, outOff);
    }

    /** Clears the filter history, as if newly created. */
    public void reset() {
        java.util.Arrays.fill(line, 0f);
        writePos = 0;
        phase = 0;
    }

    private int upsample(short[] in, int inOff, int inCount, short[] out, int outOff) {
        int o = outOff;
        for (int n = 0; n < inCount; n++) {
            int start = push(in[inOff + n]);
            for (int p = 0; p < FACTOR; p++) {
                out[o++] = toPcm(dot(UP_PHASES[p], start));
            }
        }
        return o - outOff;
    }

    private int downsample(short[] in, int inOff, int inCount, short[] out, int outOff) {
        int o = outOff;
        for (int n = 0; n < inCount; n++) {
            int start = push(in[inOff + n]);
            if (phase == 0) {
                out[o++] = toPcm(dot(PROTOTYPE, start));
            }
            phase = phase == FACTOR - 1 ? 0 : phase + 1;
        }
        return o - outOff;
    }

    /** Appends one sample; returns where the window of the newest {@code length} samples (oldest first) starts. */
    private int push(short sample) {
        line[writePos] = sample;
        line[writePos + length] = sample;
        writePos = writePos + 1 == length ? 0 : writePos + 1;
        return writePos;
    }

    private float dot(float[] taps, int start) {
        float acc = 0f;
        for (int i = 0; i < taps.length; i++) {
            acc += taps[i] * line[start + i];
        }
        return acc;
    }

    private static short toPcm(float v) {
        int s = (int) (v >= 0f ? v + 0.5f : v - 0.5f);
        return (short) (s > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(s, Short.MIN_VALUE));
    }

    /** Kaiser-windowed sinc, normalised to unity DC gain. */
    static float[] designPrototype() {
        double[] h = new double[PROTOTYPE_TAPS];
        double fc = CUTOFF_HZ / WIDE_RATE; // cycles per sample
        double i0Beta = besselI0(KAISER_BETA);
        double sum = 0;
        for (int k = 0; k < PROTOTYPE_TAPS; k++) {
            int t = k - PROTOTYPE_DELAY;
            double sinc = t == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
            double r = (double) t / PROTOTYPE_DELAY;
            h[k] = sinc * besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
            sum += h[k];
        }
        float[] taps = new float[PROTOTYPE_TAPS];
        for (int k = 0; k < PROTOTYPE_TAPS; k++) {
            taps[k] = (float) (h[k] / sum);
        }
        return taps;
    }

    /**
     * Output phase p of input n is y[6n + p] = 6 * sum_j h[6j + p] * x[n - j]; stored against the window
     * (oldest first), so entry i multiplies x[n - (TAPS_PER_PHASE - 1 - i)]. Taps past the prototype are zero.
     */
    private static float[][] splitPhases(float[] prototype) {
        float[][] phases = new float[FACTOR][TAPS_PER_PHASE];
        for (int p = 0; p < FACTOR; p++) {
            for (int j = 0; j < TAPS_PER_PHASE; j++) {
                int k = FACTOR * j + p;
                phases[p][TAPS_PER_PHASE - 1 - j] = k < prototype.length ? FACTOR * prototype[k] : 0f;
            }
        }
        return phases;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series. */
    private static double besselI0(double x) {
        double term = 1;
        double sum = 1;
        double q = x * x / 4;
        for (int k = 1; k < 50 && term > 1e-17 * sum; k++) {
            term *= q / ((double) k * k);
            sum += term;
        }
        return sum;
    }

    @Override
    public String toString() {
        return "resample(" + inputRate() + "->" + outputRate() + ")";
    }
}
