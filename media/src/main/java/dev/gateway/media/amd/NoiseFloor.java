package dev.gateway.media.amd;

/**
 * Tracks the background level of a call and says which frames stand out of it as speech.
 *
 * <p>The floor (a mean square) follows the quietest frames: it drops at once to a quieter frame and otherwise rises
 * by {@value #RISE_DB_PER_S} dB/s, so speech, whose pauses reach down to the background, never lifts it far, while
 * a background that grows louder is followed within seconds. A frame is speech when it is
 * {@value #SPEECH_OVER_FLOOR_DB} dB above the floor and its mean absolute sample value reaches the configured
 * silence threshold: white or pink noise fluctuates a few dB around its mean frame to frame and stays silent at
 * any level, and speech 15 dB above the noise still shows its syllables. A frame 3 dB above the floor is also speech
 * when the spectra of it and the frames before are tonal (peak share, smoothed over about 40 ms, at least
 * {@value #MIN_TONALITY}): voiced speech and music are, noise is not. That keeps hold music that starts with the
 * answer, and so sets the floor itself, from passing for silence; a steady hum stays within 3 dB of its floor.
 *
 * <p>A mutable scratch object: loop-confined, no allocation.
 */
final class NoiseFloor {
    static final double RISE_DB_PER_S = 3;
    static final double SPEECH_OVER_FLOOR_DB = 9;
    private static final float RISE_PER_FRAME = (float) Math.pow(10, RISE_DB_PER_S / 10 / 50);
    private static final float SPEECH_FACTOR = (float) Math.pow(10, SPEECH_OVER_FLOOR_DB / 10);
    private static final float SOUND_FACTOR = 2; // 3 dB
    static final double MIN_TONALITY = 0.3;
    private static final float MIN_FLOOR = 1f; // one LSB: G.711's digital silence must not make a floor of 0

    private final float silenceThreshold;
    private float floor = -1;
    private double tonality;

    /** @param silenceThreshold mean absolute sample value below which a frame is silent at any floor */
    NoiseFloor(int silenceThreshold) {
        this.silenceThreshold = silenceThreshold;
    }

    /**
     * Updates the floor with one 20 ms frame and says whether the frame is speech (or music).
     *
     * @param meanSquare    the frame's mean square
     * @param meanAbs       its mean absolute sample value
     * @param concentration its spectral peak's share of its energy ({@link BeepDetector#lastConcentration()})
     */
    boolean speech(float meanSquare, float meanAbs, double concentration) {
        float level = Math.max(meanSquare, MIN_FLOOR);
        boolean first = floor < 0;
        tonality = 0.5 * tonality + 0.5 * concentration;
        if (first || level < floor) {
            floor = level;
        } else {
            floor *= RISE_PER_FRAME;
        }
        if (meanAbs < silenceThreshold) {
            return false;
        }
        return meanSquare > floor * SPEECH_FACTOR
                || !first && meanSquare > floor * SOUND_FACTOR && tonality >= MIN_TONALITY;
    }

    /** The floor now, mean square; the first frame's level before any frame. */
    float floor() {
        return Math.max(floor, MIN_FLOOR);
    }
}
