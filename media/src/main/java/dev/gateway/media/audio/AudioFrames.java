package dev.gateway.media.audio;

/** The 20 ms frame every pipeline and the media tick use, defined once. */
public final class AudioFrames {
    /** The frame and tick period, ms. */
    public static final int FRAME_MS = 20;
    /** One frame at 8 kHz, samples. */
    public static final int SAMPLES_8K = 160;
    /** One frame, ns. */
    public static final long FRAME_NANOS = FRAME_MS * 1_000_000L;

    private AudioFrames() {
    }

    /** Samples in one frame at {@code sampleRate} Hz. */
    public static int samples(int sampleRate) {
        return sampleRate / (1000 / FRAME_MS);
    }
}
