package dev.gateway.media.testing;

/**
 * The Goertzel algorithm: the strength of one frequency in a block of 16-bit PCM, for tests that check where a
 * signal's energy lies without a full FFT. Pure, thread-safe.
 */
public final class Goertzel {

    private Goertzel() {
    }

    /**
     * The amplitude (in sample units, 0..32768) of the {@code frequencyHz} component of
     * {@code pcm[offset, offset + count)}: a full-scale sine at that frequency over a whole number of periods
     * gives its peak value, a sine at a frequency a whole number of bins away gives about 0.
     */
    public static double amplitude(short[] pcm, int offset, int count, double frequencyHz, int sampleRate) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        double w = 2 * Math.PI * frequencyHz / sampleRate;
        double coefficient = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < count; i++) {
            double s0 = pcm[offset + i] + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double real = s1 - s2 * Math.cos(w);
        double imaginary = s2 * Math.sin(w);
        return 2 * Math.sqrt(real * real + imaginary * imaginary) / count;
    }

    /** {@link #amplitude(short[], int, int, double, int)} over the whole array. */
    public static double amplitude(short[] pcm, double frequencyHz, int sampleRate) {
        return amplitude(pcm, 0, pcm.length, frequencyHz, sampleRate);
    }
}
