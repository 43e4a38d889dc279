package dev.gateway.agent.room;

/**
 * RFC 6464 client-to-mixer audio level of one frame: 0 (loudest, 0 dBov) to 127 (silence, -127 dBov), so the room
 * can show who is speaking. Pure, thread-safe, no allocation.
 */
final class AudioLevel {
    /** Frames at or above -50 dBov count as voice for the V bit (a simple energy gate). */
    static final int VOICE_THRESHOLD = 50;

    private AudioLevel() {
    }

    /** @return the level in -dBov, 0..127 */
    static int of(short[] pcm, int offset, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int s = pcm[offset + i];
            sum += (long) s * s;
        }
        if (sum == 0) {
            return 127;
        }
        double rms = Math.sqrt((double) sum / count) / 32768.0;
        int level = (int) Math.round(-20 * Math.log10(rms));
        return Math.max(0, Math.min(127, level));
    }
}
