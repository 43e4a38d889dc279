package dev.gateway.media.jitter;

/**
 * Chooses the jitter buffer's target delay, in nanoseconds, within [min, max]: the larger of a multiple of the
 * RFC 3550 §6.4.1 interarrival-jitter estimate and a peak requirement raised at once by every late packet
 * (by how late it was, plus a margin) and decaying slowly while playout is healthy. Grow fast, shrink slowly.
 *
 * <p>Loop-confined with its {@link JitterBuffer}; not thread-safe; allocation free.
 */
final class DelayEstimator {

    /** Target is at least this many times the smoothed jitter. */
    static final int JITTER_MULTIPLIER = 3;
    /** Added above a late packet's lateness so the next one of the same size is on time. */
    static final long LATE_MARGIN_NANOS = 10_000_000L;
    /** Smallest margin added above an overdue (but not lost) packet. */
    static final long OVERDUE_MARGIN_MIN_NANOS = 2_000_000L;
    /** The peak decays by elapsed/this: 5 ms per second of playout. */
    static final long PEAK_DECAY_DIVISOR = 200;
    /** RFC 3550 gain 1/16. */
    private static final int JITTER_GAIN_SHIFT = 4;

    private final long minNanos;
    private final long maxNanos;
    private long jitterNanos;
    private long peakNanos;
    private long lastTransit;
    private boolean hasTransit;

    DelayEstimator(long minNanos, long maxNanos) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
    }

    /** A packet arrived; {@code transitNanos} = arrival minus its media time on any fixed origin. */
    void onArrival(long transitNanos) {
        if (hasTransit) {
            long d = Math.abs(transitNanos - lastTransit);
            jitterNanos += (d - jitterNanos) >> JITTER_GAIN_SHIFT;
        }
        lastTransit = transitNanos;
        hasTransit = true;
    }

    /** A packet arrived {@code latenessNanos} after its playout time while the target was {@code currentTarget}. */
    void onLate(long latenessNanos, long currentTarget) {
        peakNanos = Math.max(peakNanos, Math.min(maxNanos, currentTarget + latenessNanos + LATE_MARGIN_NANOS));
    }

    /**
     * A packet arrived {@code overdueNanos} after its playout time but before the tick that plays it: nothing was
     * lost. The target grows by the overdue time plus a margin as large (between {@value #OVERDUE_MARGIN_MIN_NANOS}
     * ns and the late margin): a few ms of jitter at the start of a talk spurt costs a few ms, not ten.
     */
    void onOverdue(long overdueNanos, long currentTarget) {
        long margin = Math.max(OVERDUE_MARGIN_MIN_NANOS, Math.min(LATE_MARGIN_NANOS, overdueNanos));
        peakNanos = Math.max(peakNanos, Math.min(maxNanos, currentTarget + overdueNanos + margin));
    }

    long minNanos() {
        return minNanos;
    }

    /** Lets the peak requirement relax for {@code elapsedNanos} of playout. */
    void decay(long elapsedNanos) {
        if (elapsedNanos > 0 && peakNanos > 0) {
            peakNanos = Math.max(0, peakNanos - elapsedNanos / PEAK_DECAY_DIVISOR);
        }
    }

    /** Forgets the transit reference (new timeline) but keeps what was learnt about the path. */
    void newTimeline() {
        hasTransit = false;
    }

    void reset() {
        jitterNanos = 0;
        peakNanos = 0;
        hasTransit = false;
    }

    long jitterNanos() {
        return jitterNanos;
    }

    long targetNanos() {
        long wanted = Math.max(peakNanos, JITTER_MULTIPLIER * jitterNanos);
        return Math.max(minNanos, Math.min(maxNanos, wanted));
    }
}
