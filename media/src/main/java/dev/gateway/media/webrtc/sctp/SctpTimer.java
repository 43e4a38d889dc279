package dev.gateway.media.webrtc.sctp;

/**
 * A one-shot deadline on the injected clock, with a count of expiries since it was last reset. Mutable;
 * loop-confined to its association.
 */
final class SctpTimer {

    private static final long STOPPED = Long.MIN_VALUE;

    private long deadlineNanos = STOPPED;
    private int expiries;

    void start(long nowNanos, long durationNanos) {
        deadlineNanos = nowNanos + durationNanos;
    }

    void stop() {
        deadlineNanos = STOPPED;
    }

    boolean running() {
        return deadlineNanos != STOPPED;
    }

    /** True (once) when running and due; the timer then stops and counts the expiry. */
    boolean expire(long nowNanos) {
        if (deadlineNanos == STOPPED || nowNanos - deadlineNanos < 0) {
            return false;
        }
        deadlineNanos = STOPPED;
        expiries++;
        return true;
    }

    int expiries() {
        return expiries;
    }

    void resetExpiries() {
        expiries = 0;
    }
}
