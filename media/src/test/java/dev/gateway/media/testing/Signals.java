package dev.gateway.media.testing;

/** Test signals and the measurements audio tests assert on (level, tone amplitude, alignment). Stateless. */
public final class Signals {

    private Signals() {
    }

    /** {@code amplitude * sin(2 pi f n / rate + phase)} for n in [0, samples), rounded to 16-bit PCM. */
    public static short[] sine(double frequency, int rate, int samples, double amplitude, double phase) {
        short[] out = new short[samples];
        for (int n = 0; n < samples; n++) {
            out[n] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * n / rate + phase));
        }
        return out;
    }

    public static double rms(short[] x, int off, int len) {
        double sum = 0;
        for (int i = off; i < off + len; i++) {
            sum += (double) x[i] * x[i];
        }
        return Math.sqrt(sum / len);
    }

    public static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /**
     * Amplitude of the {@code frequency} component of {@code x[off .. off+len)} by the Goertzel recurrence (one
     * DFT bin, not restricted to bin centres). Exact for a whole number of cycles in the window.
     */
    public static double goertzelAmplitude(short[] x, int off, int len, double frequency, int rate) {
        double w = 2 * Math.PI * frequency / rate;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = off; i < off + len; i++) {
            double s0 = x[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return 2 * Math.sqrt(Math.max(power, 0)) / len;
    }

    /**
     * RMS of what is left of {@code x[off .. off+len)} after removing its least-squares sinusoid at
     * {@code frequency}: everything that is not the tone (images, aliases, distortion, noise). The window must hold
     * a whole number of cycles.
     */
    public static double residualRms(short[] x, int off, int len, double frequency, int rate) {
        double w = 2 * Math.PI * frequency / rate;
        double a = 0;
        double b = 0;
        for (int i = 0; i < len; i++) {
            a += x[off + i] * Math.cos(w * i);
            b += x[off + i] * Math.sin(w * i);
        }
        a *= 2.0 / len;
        b *= 2.0 / len;
        double sum = 0;
        for (int i = 0; i < len; i++) {
            double r = x[off + i] - a * Math.cos(w * i) - b * Math.sin(w * i);
            sum += r * r;
        }
        return Math.sqrt(sum / len);
    }

    /** The best normalised correlation of {@code signal[from+lag ..]} with {@code reference[from ..]}. */
    public record Alignment(int lag, double correlation) {
    }

    /** Searches lags 0..maxLag for the highest normalised correlation over {@code len} samples. */
    public static Alignment align(short[] reference, short[] signal, int from, int len, int maxLag) {
        Alignment best = new Alignment(-1, -2);
        for (int lag = 0; lag <= maxLag; lag++) {
            double c = correlation(reference, from, signal, from + lag, len);
            if (c > best.correlation()) {
                best = new Alignment(lag, c);
            }
        }
        return best;
    }

    /** Normalised (Pearson, zero-lag) correlation of two equal-length windows; 0 when either is silent. */
    public static double correlation(short[] x, int xOff, short[] y, int yOff, int len) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < len; i++) {
            double a = x[xOff + i];
            double b = y[yOff + i];
            xy += a * b;
            xx += a * a;
            yy += b * b;
        }
        return xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
    }

    /** Frequency estimated from the rising zero crossings in {@code x[off .. off+len)}, with linear interpolation. */
    public static double zeroCrossingFrequency(short[] x, int off, int len, int rate) {
        double first = -1;
        double last = -1;
        int crossings = 0;
        for (int i = off + 1; i < off + len; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                double t = i - 1 + (double) -x[i - 1] / (x[i] - x[i - 1]);
                if (first < 0) {
                    first = t;
                } else {
                    crossings++;
                }
                last = t;
            }
        }
        return crossings == 0 ? 0 : crossings * rate / (last - first);
    }
}
