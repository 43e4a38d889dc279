package dev.gateway.media.endpoint;

import java.util.Arrays;

/**
 * How late the media ticks woke after their 20 ms slot, as cumulative histogram buckets: a snapshot, immutable
 * (the array is a private copy). {@code counts[i]} counts wake-ups at most {@link #BOUNDS_MILLIS}{@code [i]} late
 * and later than the bound before; the last entry counts the rest (+Inf). Early wake-ups count as 0 ms late.
 *
 * @param counts   per bucket, not cumulative; length {@code BOUNDS_MILLIS.length + 1}
 * @param sumNanos the lateness of every wake-up added up, ns
 */
public record TickLateness(long[] counts, long sumNanos) {
    /** Upper bounds of the buckets, ms: finer below the 2 ms DESIGN.md target, coarse up to a stall. */
    public static final double[] BOUNDS_MILLIS = {0.5, 1, 2, 5, 10, 20, 50, 100, 200};

    public TickLateness {
        if (counts.length != BOUNDS_MILLIS.length + 1) {
            throw new IllegalArgumentException("counts needs " + (BOUNDS_MILLIS.length + 1) + " buckets, got "
                    + counts.length);
        }
        counts = counts.clone();
    }

    /** No wake-up yet. */
    public static TickLateness empty() {
        return new TickLateness(new long[BOUNDS_MILLIS.length + 1], 0);
    }

    /** The bucket of a wake-up {@code lateNanos} after its slot. */
    static int bucket(long lateNanos) {
        for (int i = 0; i < BOUNDS_MILLIS.length; i++) {
            if (lateNanos <= BOUNDS_MILLIS[i] * 1_000_000) {
                return i;
            }
        }
        return BOUNDS_MILLIS.length;
    }

    /** Wake-ups counted. */
    public long count() {
        return Arrays.stream(counts).sum();
    }

    /** A copy of the per-bucket counts (not cumulative). */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Two loops' figures together. */
    public TickLateness plus(TickLateness o) {
        long[] sum = new long[counts.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = counts[i] + o.counts[i];
        }
        return new TickLateness(sum, sumNanos + o.sumNanos);
    }
}
