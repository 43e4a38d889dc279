package dev.gateway.media.audio;

/**
 * RFC 6464 audio level of one frame: 0 (loudest, 0 dBov) to 127 (silence, -127 dBov). Pure, thread-safe, no
 * allocation.
 */
public final class AudioLevel {
    /** Frames at or above -50 dBov count as voice (RFC 6464 V bit, and the catch-up rule of the call's hold). */
    public static final int VOICE_THRESHOLD = 50;
    /** The level of digital silence. */
    public static final int SILENCE = 127;

    private AudioLevel() {
    }

    /** @return the level in -dBov, 0..127 */
    public static int of(short[] pcm, int offset, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int s = pcm[offset + i];
            sum += (long) s * s;
        }
        if (sum == 0) {
            return SILENCE;
        }
        double rms = Math.sqrt((double) sum / count) / 32768.0;
        int level = (int) Math.round(-20 * Math.log10(rms));
        return Math.max(0, Math.min(SILENCE, level));
    }

    /** True when {@code level} (-dBov) is loud enough to count as voice. */
    public static boolean isVoice(int level) {
        return level < VOICE_THRESHOLD;
    }
}
