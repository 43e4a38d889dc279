package dev.gateway.media.amd;

import java.util.Arrays;

/**
 * A bank of Goertzel filters: the power of one DFT bin per frequency over a block of samples, for any frequency
 * (not only bin centres). For a block x[0..N) and frequency f at rate fs, with w = 2 pi f / fs and c = 2 cos w:
 * {@code s[n] = x[n] + c s[n-1] - s[n-2]}; after N samples the power is {@code s1^2 + s2^2 - c s1 s2}, which is
 * |X(w)|^2 = |sum x[n] e^(-i w n)|^2.
 *
 * <p>The recurrence runs with the bins in the inner loop over plain float arrays, so HotSpot's C2 can vectorise
 * it (one sample against 8 or 16 bins per instruction). A mutable scratch object: loop-confined, no allocation
 * after construction.
 */
final class GoertzelBank {
    private final double[] frequencies;
    private final float[] coefficients;
    private final float[] s1;
    private final float[] s2;
    private final float[] power;

    /**
     * @param frequencies the bins, Hz, each in (0, rate/2)
     * @param rate        the sample rate, Hz
     */
    GoertzelBank(double[] frequencies, int rate) {
        this.frequencies = frequencies.clone();
        int n = frequencies.length;
        coefficients = new float[n];
        for (int k = 0; k < n; k++) {
            if (!(frequencies[k] > 0 && frequencies[k] < rate / 2.0)) {
                throw new IllegalArgumentException("frequency must be in (0, " + rate / 2 + ") Hz, got " + frequencies[k]);
            }
            coefficients[k] = (float) (2 * Math.cos(2 * Math.PI * frequencies[k] / rate));
        }
        s1 = new float[n];
        s2 = new float[n];
        power = new float[n];
    }

    /** Frequencies from {@code from} to {@code to} Hz inclusive, {@code step} Hz apart. */
    static double[] spaced(double from, double to, double step) {
        int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
        double[] f = new double[n];
        for (int k = 0; k < n; k++) {
            f[k] = from + k * step;
        }
        return f;
    }

    /**
     * Runs every bin over {@code x[off .. off+len)}; the powers are then in {@link #power(int)}. Four samples per
     * pass over the bins, so each bin's state is loaded and stored once per four samples rather than per sample.
     */
    void run(float[] x, int off, int len) {
        float[] c = coefficients;
        float[] a = s1;
        float[] b = s2;
        int n = c.length;
        Arrays.fill(a, 0f);
        Arrays.fill(b, 0f);
        int i = off;
        for (int end = off + len - 3; i < end; i += 4) {
            float v0 = x[i];
            float v1 = x[i + 1];
            float v2 = x[i + 2];
            float v3 = x[i + 3];
            for (int k = 0; k < n; k++) {
                float ck = c[k];
                float p1 = a[k];
                float p2 = b[k];
                float q0 = v0 + ck * p1 - p2;
                float q1 = v1 + ck * q0 - p1;
                float q2 = v2 + ck * q1 - q0;
                float q3 = v3 + ck * q2 - q1;
                b[k] = q2;
                a[k] = q3;
            }
        }
        for (; i < off + len; i++) {
            float v = x[i];
            for (int k = 0; k < n; k++) {
                float s0 = v + c[k] * a[k] - b[k];
                b[k] = a[k];
                a[k] = s0;
            }
        }
        for (int k = 0; k < n; k++) {
            power[k] = a[k] * a[k] + b[k] * b[k] - c[k] * a[k] * b[k];
        }
    }

    /** |X|^2 of bin {@code k} after the last {@link #run}, in (sample units)^2. */
    float power(int k) {
        return power[k];
    }

    /** The bin with the most power after the last {@link #run}. */
    int peak() {
        int best = 0;
        float max = power[0];
        for (int k = 1; k < power.length; k++) {
            if (power[k] > max) {
                max = power[k];
                best = k;
            }
        }
        return best;
    }

    int bins() {
        return coefficients.length;
    }

    double frequency(int k) {
        return frequencies[k];
    }
}
