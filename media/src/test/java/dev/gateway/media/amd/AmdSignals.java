package dev.gateway.media.amd;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Synthetic 8 kHz test signals for the voicemail detector's tests, built from closed forms. Stateless. */
final class AmdSignals {
    static final int RATE = 8000;

    private AmdSignals() {
    }

    /** Samples in {@code ms} ms. */
    static int samples(double ms) {
        return (int) Math.round(ms * RATE / 1000);
    }

    /** dBFS (RMS of a full-scale sine = -3 dBFS) to a linear RMS in sample units. */
    static double rms(double dbfs) {
        return 32768 * Math.pow(10, dbfs / 20);
    }

    /** A sine of {@code rms} RMS with 5 ms raised-cosine ramps at both ends (the ramps are inside {@code ms}). */
    static double[] tone(double hz, double ms, double rms) {
        int n = samples(ms);
        int ramp = samples(5);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double env = 1;
            if (i < ramp) {
                env = 0.5 - 0.5 * Math.cos(Math.PI * i / ramp);
            } else if (i >= n - ramp) {
                env = 0.5 - 0.5 * Math.cos(Math.PI * (n - 1 - i) / ramp);
            }
            x[i] = env * rms * Math.sqrt(2) * Math.sin(2 * Math.PI * hz * i / RATE + 0.3);
        }
        return x;
    }

    static double[] silence(double ms) {
        return new double[samples(ms)];
    }

    /**
     * A vowel-like voiced sound: harmonics of f0 (with 5 Hz vibrato of +-3 %) shaped by three formants, under a
     * syllable envelope (rise 40 ms, hold, fall 60 ms), scaled to {@code rms}.
     */
    static double[] vowel(double f0, double[] formants, double ms, double rms) {
        int n = samples(ms);
        double[] x = new double[n];
        double phase = 0;
        double[] bandwidths = {90, 110, 170};
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            double f = f0 * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t));
            phase += 2 * Math.PI * f / RATE;
            double v = 0;
            for (int h = 1; h * f < 3600; h++) {
                double gain = 0;
                for (int k = 0; k < formants.length; k++) {
                    double d = (h * f - formants[k]) / bandwidths[k];
                    gain += Math.pow(0.6, k) / (1 + d * d);
                }
                v += gain * Math.sin(h * phase) / Math.sqrt(h);
            }
            double end = ms / 1000;
            double env = Math.min(1, Math.min(t / 0.04, (end - t) / 0.06));
            x[i] = env * v;
        }
        return scale(x, rms);
    }

    /** Syllables of {@link #vowel}s, each {@code syllableMs} long with {@code gapMs} pauses, varying pitch and vowel. */
    static double[] speech(int syllables, double syllableMs, double gapMs, double rms) {
        double[][] vowels = {{700, 1220, 2600}, {300, 2300, 3000}, {500, 1000, 2400}, {400, 1900, 2550}};
        List<double[]> parts = new ArrayList<>();
        for (int s = 0; s < syllables; s++) {
            parts.add(vowel(120 + 25 * (s % 4), vowels[s % vowels.length], syllableMs, rms));
            if (s < syllables - 1) {
                parts.add(silence(gapMs));
            }
        }
        return concat(parts.toArray(new double[0][]));
    }

    static double[] whiteNoise(double ms, double rms, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[samples(ms)];
        for (int i = 0; i < x.length; i++) {
            x[i] = gaussian(random) * rms;
        }
        return x;
    }

    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] x = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, x, at, p.length);
            at += p.length;
        }
        return x;
    }

    /** {@code x + noise} (noise no shorter than x). */
    static double[] plus(double[] x, double[] noise) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += noise[i];
        }
        return y;
    }

    static short[] pcm(double[] x) {
        short[] out = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(x[i])));
        }
        return out;
    }

    private static double[] scale(double[] x, double rms) {
        double sum = 0;
        for (double v : x) {
            sum += v * v;
        }
        double k = rms / Math.sqrt(sum / x.length);
        for (int i = 0; i < x.length; i++) {
            x[i] *= k;
        }
        return x;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
