package dev.gateway.bench;

import java.util.SplittableRandom;

/**
 * Deterministic speech-like 8 kHz test signal shared by the benchmarks, so every run encodes and decodes the same
 * audio. It is not speech, but it exercises G.711 the way speech does: a voiced source (harmonics of a pitch that
 * glides between about 100 and 180 Hz) shaped by two formants that move from syllable to syllable, a syllable
 * envelope at about 4 Hz with short pauses, and a little noise so quiet stretches still vary. Levels span the whole
 * companding range: peaks at about -6 dBFS, pauses near -50 dBFS, so all eight G.711 segments are used.
 *
 * <p>Built once at set-up, never on a measured path. Thread-safe: stateless; each call returns a new array.
 */
public final class SpeechLikeSignal {

    /** Samples per second. */
    public static final int SAMPLE_RATE = 8000;
    /** One 20 ms frame at 8 kHz, in samples. */
    public static final int FRAME_SAMPLES = 160;

    private static final double PEAK = 0.5 * Short.MAX_VALUE; // -6 dBFS
    private static final double NOISE = 0.003;                // about -50 dBFS
    private static final double SYLLABLE_HZ = 4.0;
    private static final double NYQUIST_GUARD_HZ = 3400.0;    // telephone band edge
    private static final long SEED = 0x5EED_0711L;

    private SpeechLikeSignal() {
    }

    /**
     * {@code frames} frames of 160 samples (20 ms each) of 16-bit linear PCM at 8 kHz.
     *
     * @param frames number of 20 ms frames, at least 1
     */
    public static short[] frames(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
        int n = frames * FRAME_SAMPLES;
        double[] x = new double[n];
        SplittableRandom random = new SplittableRandom(SEED);
        double phase = 0;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / SAMPLE_RATE;
            double f0 = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / SAMPLE_RATE;
            int syllable = (int) (t * SYLLABLE_HZ);
            double f1 = 400 + 150 * ((syllable * 7) % 5);    // first formant, 400..1000 Hz
            double f2 = 1100 + 250 * ((syllable * 3) % 6);   // second formant, 1100..2350 Hz
            double voiced = 0;
            for (int h = 1; h * f0 < NYQUIST_GUARD_HZ; h++) {
                double f = h * f0;
                double gain = formant(f, f1, 90) + 0.5 * formant(f, f2, 120);
                voiced += gain * Math.sin(h * phase) / h;
            }
            double within = t * SYLLABLE_HZ - syllable;     // 0..1 through the syllable
            double envelope = within < 0.8 ? Math.pow(Math.sin(Math.PI * within / 0.8), 2) : 0; // 20 % pause
            x[i] = envelope * voiced + NOISE * (2 * random.nextDouble() - 1);
            max = Math.max(max, Math.abs(x[i]));
        }
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) Math.round(x[i] / max * PEAK);
        }
        return pcm;
    }

    /** Resonance gain of a formant at {@code centre} Hz with bandwidth {@code width} Hz, 1 at the centre. */
    private static double formant(double f, double centre, double width) {
        double d = (f - centre) / width;
        return 1 / (1 + d * d);
    }
}
