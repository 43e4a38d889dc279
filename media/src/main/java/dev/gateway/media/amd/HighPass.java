package dev.gateway.media.amd;

/**
 * A second-order Butterworth high-pass (RBJ audio-EQ cookbook biquad, transposed direct form II) that takes hum,
 * rumble and DC out of the line before the detector measures it: they are below the 300-3,400 Hz telephone band,
 * carry no speech, and would otherwise make 20 ms frames of noise fluctuate like syllables.
 *
 * <p>A mutable scratch object: loop-confined, no allocation.
 */
final class HighPass {
    private final float b0;
    private final float b1;
    private final float b2;
    private final float a1;
    private final float a2;
    private float z1;
    private float z2;

    /** @param cornerHz the -3 dB frequency, Hz; {@code rate} the sample rate, Hz */
    HighPass(double cornerHz, int rate) {
        double w0 = 2 * Math.PI * cornerHz / rate;
        double alpha = Math.sin(w0) / (2 * Math.sqrt(0.5));
        double cos = Math.cos(w0);
        double a0 = 1 + alpha;
        b0 = (float) ((1 + cos) / 2 / a0);
        b1 = (float) (-(1 + cos) / a0);
        b2 = b0;
        a1 = (float) (-2 * cos / a0);
        a2 = (float) ((1 - alpha) / a0);
    }

    /** Filters {@code in[inOff .. inOff+len)} into {@code out[0 .. len)}, continuing from the previous call. */
    void filter(short[] in, int inOff, float[] out, int len) {
        float s1 = z1;
        float s2 = z2;
        for (int n = 0; n < len; n++) {
            float x = in[inOff + n];
            float y = b0 * x + s1;
            s1 = b1 * x - a1 * y + s2;
            s2 = b2 * x - a2 * y;
            out[n] = y;
        }
        z1 = s1;
        z2 = s2;
    }
}
