package dev.gateway.media.endpoint;

import java.util.concurrent.TimeUnit;

/**
 * The slot arithmetic of a tick, as a pure function of the times it is given: slots are {@code first + k * 20 ms};
 * a wake-up a whole slot or more after its slot skips the missed ones (never runs them back to back), and the
 * next wake-up is aimed at the next slot boundary, so lateness does not accumulate into drift.
 *
 * <p>Not thread-safe: owned by one {@link LoopTick}; the counters are volatile so {@link #stats} may be read from any
 * thread.
 */
final class TickSlots {
    static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A wake-up later than this after its slot counts as late in {@link TickStats}. */
    static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private long nextSlot;
    private volatile long ticks;
    private volatile long lateTicks;
    private volatile long skippedSlots;
    private volatile long maxLateNanos;

    /** @param firstSlot the first slot's time, ns */
    TickSlots(long firstSlot) {
        this.nextSlot = firstSlot;
    }

    /**
     * A wake-up at {@code now}: counts it and moves to the slot after the one this tick serves.
     *
     * @return the slots skipped because this wake-up came that many whole slots late (0 when on time)
     */
    long onWake(long now) {
        long late = now - nextSlot;
        if (late > maxLateNanos) {
            maxLateNanos = late;
        }
        if (late > LATE_NANOS) {
            lateTicks++;
        }
        long missed = late >= SLOT_NANOS ? late / SLOT_NANOS : 0;
        skippedSlots += missed;
        ticks++;
        nextSlot += (missed + 1) * SLOT_NANOS;
        return missed;
    }

    /** Nanoseconds from {@code now} to the next slot; 0 when it is already due. */
    long delayNanos(long now) {
        return Math.max(0, nextSlot - now);
    }

    TickStats stats() {
        return new TickStats(ticks, lateTicks, skippedSlots, maxLateNanos / 1_000_000.0);
    }
}
