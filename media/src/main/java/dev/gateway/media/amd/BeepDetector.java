package dev.gateway.media.amd;

/**
 * Finds an answering machine's beep in 8 kHz audio: one tone between 300 and 2,500 Hz lasting 80 ms to 2 s.
 *
 * <p>Per 20 ms frame (160 samples) that stands 3 dB above the noise floor, a Hann window and a bank of 56
 * Goertzel filters 40 Hz apart (300..2,500 Hz) give the spectrum's peak, refined between bins by a parabola
 * through the log powers. A frame is <em>tonal</em> when that peak holds at least {@value #MIN_CONCENTRATION} of
 * the frame's energy and the frame stands 6 dB above the floor (a sine holds 1.0; a vowel's strongest harmonic,
 * noise or two tones hold far less). Consecutive tonal frames within 40 Hz of the first form a run; when the run
 * ends it is a beep if
 * <ul>
 *   <li>it began after a frame that was not tonal and ended in one that is not (a tone that turns into another
 *       is a gliding vowel's harmonic, not a beep), and</li>
 *   <li>its inner frames (all but the first and the last, which the tone may fill only in part) each held at least
 *       {@value #MIN_INNER_CONCENTRATION} of their energy in the peak and their levels stayed within 1.5 dB,
 *       with neither edge frame louder (a beep is steady and its edge frames are partly silent; a vowel rises or
 *       decays over tens of ms and its harmonics share the energy), and</li>
 *   <li>its frequency, interpolated between bins, stayed within {@value #MAX_SPREAD_HZ} Hz over the run's inner
 *       frames (a synthetic or recorded beep does; a sung or gliding vowel's harmonic does not), and</li>
 *   <li>it lasted {@value #MIN_BEEP_MS}..{@value #MAX_BEEP_MS} ms, measured to 5 ms and better: the frames at
 *       either edge are split into four 5 ms quarters whose energy, against the run's level and the noise floor,
 *       says which share of each quarter the tone filled (a neighbour frame counts only when its far end is
 *       quiet, as around a beep, so speech next to a tonal vowel does not lengthen it).</li>
 * </ul>
 * The end is reported with the frame after it, 20-40 ms late.
 *
 * <p>A mutable scratch object: loop-confined, no allocation after construction.
 */
final class BeepDetector {
    static final int FRAME = 160;
    static final int QUARTER = FRAME / 4;
    static final int FRAME_MS = 20;
    static final float MIN_CONCENTRATION = 0.7f;
    static final double MIN_INNER_CONCENTRATION = 0.9;
    static final double MAX_INNER_LEVEL_SPREAD = 1.41; // 1.5 dB
    static final double MAX_EDGE_OVER_INNER = 1.12;    // 0.5 dB: the edges of a beep are partly silent
    static final double MAX_SPREAD_HZ = 15;
    static final double MIN_BEEP_MS = 70;   // the shortest beep is 80 ms; a 60 ms blip is none
    static final double MAX_BEEP_MS = 2250; // the longest is 2 s; a 3 s tone is hold music or a fax
    private static final float TONE_OVER_NOISE = 4f;   // 6 dB
    private static final float SOUND_OVER_NOISE = 2f;  // 3 dB: the spectrum is looked at from here on
    private static final float MIN_TONE_POWER = 60f * 60f; // mean square, about -55 dBFS
    private static final double FIRST_HZ = 300;
    private static final double LAST_HZ = 2500;
    private static final double STEP_HZ = 40;
    private static final double FULL_EDGE_MS = 15; // an edge frame this full lets the tone reach into its neighbour
    private static final double QUIET_SHARE = 0.1; // ... if the neighbour's far quarter is this quiet

    private final float[] window = new float[FRAME];
    private final float concentrationScale;
    private final float[] windowed = new float[FRAME];
    private final GoertzelBank bank = new GoertzelBank(GoertzelBank.spaced(FIRST_HZ, LAST_HZ, STEP_HZ), 8000);

    // quarter energies (mean square per 5 ms) of the frame before the run, its first and last frames, the previous frame
    private final float[] before = new float[4];
    private final float[] first = new float[4];
    private final float[] last = new float[4];
    private final float[] previous = new float[4];

    private int runFrames;
    private long runFirstFrame;
    private double runHz;
    private double lastHz;
    private double innerMinHz;
    private double innerMaxHz;
    private double lastFrameConcentration;
    private float lastLevel;
    private double innerMinConcentration;
    private float innerMinLevel;
    private float innerMaxLevel;
    private float runLevel;
    private long beepEndMs = -1;
    private double lastConcentration;
    private double peakHz;
    private boolean previousTonal;
    private boolean runFromSilence;

    BeepDetector() {
        double sum = 0;
        double sumSquares = 0;
        for (int n = 0; n < FRAME; n++) {
            window[n] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * n / FRAME));
            sum += window[n];
            sumSquares += (double) window[n] * window[n];
        }
        // a sine at a bin centre: power = A^2 (sum w)^2 / 4, windowed energy = A^2 sum w^2 / 2; their ratio times this is 1
        concentrationScale = (float) (2 * sumSquares / (sum * sum));
    }

    /**
     * Looks at one frame.
     *
     * @param pcm        the frame, {@code pcm[off .. off+160)}, high-passed 16-bit PCM values
     * @param frameIndex the frame's number since the first (its start is {@code 20 * frameIndex} ms)
     * @param quarters   the frame's four quarter energies, mean square per 40 samples
     * @param meanSquare the frame's mean square
     * @param noise      the noise floor, mean square
     * @return true when a beep ended before this frame; its end is then {@link #beepEndMs()}
     */
    boolean analyze(float[] pcm, int off, long frameIndex, float[] quarters, float meanSquare, float noise) {
        boolean tonal = false;
        double hz = 0;
        lastConcentration = 0;
        if (meanSquare > noise * SOUND_OVER_NOISE && meanSquare >= MIN_TONE_POWER) {
            float energy = 0;
            for (int n = 0; n < FRAME; n++) {
                float w = pcm[off + n] * window[n];
                windowed[n] = w;
                energy += w * w;
            }
            bank.run(windowed, 0, FRAME);
            int k = bank.peak();
            double peakPower = refinePeak(k);
            lastConcentration = peakPower * concentrationScale / energy;
            if (lastConcentration >= MIN_CONCENTRATION && meanSquare > noise * TONE_OVER_NOISE) {
                tonal = true;
                hz = peakHz;
            }
        }
        boolean frameTonal = tonal;
        boolean ended = false;
        if (runFrames > 0) {
            if (tonal && Math.abs(hz - runHz) <= STEP_HZ) {
                if (runFrames >= 2) { // the frame before this one is an inner frame now
                    innerMinHz = Math.min(innerMinHz, lastHz);
                    innerMaxHz = Math.max(innerMaxHz, lastHz);
                    innerMinConcentration = Math.min(innerMinConcentration, lastFrameConcentration);
                    innerMinLevel = Math.min(innerMinLevel, lastLevel);
                    innerMaxLevel = Math.max(innerMaxLevel, lastLevel);
                }
                runFrames++;
                lastHz = hz;
                lastFrameConcentration = lastConcentration;
                lastLevel = meanSquare;
                runLevel = Math.max(runLevel, meanSquare);
                System.arraycopy(quarters, 0, last, 0, 4);
                tonal = false; // consumed by the run
            } else {
                // a tone that turns into another (a gliding vowel's harmonic) is no beep, nor is what follows it
                ended = !tonal && finish(quarters, noise);
                runFrames = 0;
            }
        }
        if (tonal) {
            runFromSilence = !previousTonal;
            runFrames = 1;
            runFirstFrame = frameIndex;
            runHz = hz;
            lastHz = hz;
            innerMinHz = Double.MAX_VALUE;
            innerMaxHz = -Double.MAX_VALUE;
            lastFrameConcentration = lastConcentration;
            lastLevel = meanSquare;
            innerMinConcentration = 1;
            innerMinLevel = Float.MAX_VALUE;
            innerMaxLevel = 0;
            runLevel = meanSquare;
            System.arraycopy(previous, 0, before, 0, 4);
            System.arraycopy(quarters, 0, first, 0, 4);
            System.arraycopy(quarters, 0, last, 0, 4);
        }
        System.arraycopy(quarters, 0, previous, 0, 4);
        previousTonal = frameTonal;
        return ended;
    }

    /** The end of the last beep found, ms since the first frame; -1 before one. */
    long beepEndMs() {
        return beepEndMs;
    }

    /**
     * The last frame's spectral peak share of its (windowed) energy, 0..1: about 1 for a sine, 0.3-0.6 for voiced
     * speech and music, under 0.1 for white noise; 0 when the frame was within 3 dB of the noise floor.
     */
    double lastConcentration() {
        return lastConcentration;
    }

    private boolean finish(float[] after, float noise) {
        if (!runFromSilence || runFrames < 3 || innerMaxHz - innerMinHz > MAX_SPREAD_HZ
                || innerMinConcentration < MIN_INNER_CONCENTRATION
                || innerMaxLevel > innerMinLevel * MAX_INNER_LEVEL_SPREAD || runLevel > innerMaxLevel * MAX_EDGE_OVER_INNER) {
            return false;
        }
        float tone = runLevel - noise;
        double lastStart = (runFirstFrame + runFrames - 1) * (double) FRAME_MS;
        double lead = leading(last, noise, tone);
        boolean reachesAfter = lead >= FULL_EDGE_MS && share(after[3], noise, tone) < QUIET_SHARE;
        double end = lastStart + lead + (reachesAfter ? leading(after, noise, tone) : 0);
        double trail = trailing(first, noise, tone);
        double start = runFirstFrame * (double) FRAME_MS + FRAME_MS - trail
                - (trail >= FULL_EDGE_MS && share(before[0], noise, tone) < QUIET_SHARE ? trailing(before, noise, tone) : 0);
        double length = end - start;
        if (length < MIN_BEEP_MS || length > MAX_BEEP_MS) {
            return false;
        }
        beepEndMs = Math.round(end);
        return true;
    }

    /** ms of tone from the start of a frame: quarter shares until the first quarter under 60 %. */
    private static double leading(float[] q, float noise, float tone) {
        double ms = 0;
        for (int i = 0; i < 4; i++) {
            double share = share(q[i], noise, tone);
            ms += share * FRAME_MS / 4;
            if (share < 0.6) {
                break;
            }
        }
        return ms;
    }

    /** ms of tone up to the end of a frame, counted backwards like {@link #leading}. */
    private static double trailing(float[] q, float noise, float tone) {
        double ms = 0;
        for (int i = 3; i >= 0; i--) {
            double share = share(q[i], noise, tone);
            ms += share * FRAME_MS / 4;
            if (share < 0.6) {
                break;
            }
        }
        return ms;
    }

    private static double share(float quarter, float noise, float tone) {
        double s = (quarter - noise) / tone;
        return s < 0 ? 0 : Math.min(s, 1);
    }

    /**
     * Fits a parabola through the log powers of bin {@code k} and its neighbours: sets {@link #peakHz} to its vertex
     * and returns the power there, so a tone between two bins (up to 20 Hz from each) measures as a tone on one.
     */
    private double refinePeak(int k) {
        double power = bank.power(k);
        peakHz = bank.frequency(k);
        if (k == 0 || k == bank.bins() - 1) {
            return power;
        }
        double a = Math.log(bank.power(k - 1) + 1e-9);
        double b = Math.log(power + 1e-9);
        double c = Math.log(bank.power(k + 1) + 1e-9);
        double denominator = a - 2 * b + c;
        if (denominator >= 0) {
            return power;
        }
        double delta = Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / denominator));
        peakHz += delta * STEP_HZ;
        return Math.exp(b - 0.25 * (a - c) * delta);
    }
}
