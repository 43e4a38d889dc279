package dev.gateway.media.rtp;

/**
 * Modular comparisons for RTP's wrapping counters: the 16-bit sequence number and the 32-bit timestamp
 * (RFC 3550 §5.1), as used by RFC 3550 Appendix A.1.
 *
 * <p>Pure static functions; safe from any thread.
 */
public final class SequenceNumbers {

    private SequenceNumbers() {
    }

    /**
     * Signed distance {@code a - b} modulo 2^16, in [-32768, 32767]: 1 when {@code a} directly follows
     * {@code b}, also across the wrap (0 - 65535 = 1).
     */
    public static int diff16(int a, int b) {
        return (short) (a - b);
    }

    /** True when {@code a} is newer than {@code b} modulo 2^16 (less than half the space ahead). */
    public static boolean isNewer16(int a, int b) {
        return diff16(a, b) > 0;
    }

    /**
     * Signed distance {@code a - b} modulo 2^32, in [-2^31, 2^31 - 1]; for RTP timestamps (RTP ticks) and
     * other unsigned 32-bit counters held in a {@code long}.
     */
    public static long diff32(long a, long b) {
        return (int) (a - b);
    }

    /** True when {@code a} is newer than {@code b} modulo 2^32. */
    public static boolean isNewer32(long a, long b) {
        return diff32(a, b) > 0;
    }
}
