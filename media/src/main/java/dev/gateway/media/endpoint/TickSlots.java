package dev.gateway.media.endpoint;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The slot arithmetic of a tick, as a pure function of the times it is given: slots are {@code first + k * 20 ms}
 * and the next wake-up is aimed at the next slot boundary, so lateness does not accumulate into drift. A wake-up
 * whole slots late runs the missed slots too, but at most {@link #MAX_CATCH_UP} of them: every frame of a short
 * stall still goes out (late, back to back, which a receiver's jitter buffer absorbs), while a long stall (a JVM
 * stop stretched by CPU contention: 0.4-4 s seen) is skipped instead of leaving the loop in debt, sending in
 * bursts for as long as it stays short of CPU.
 *
 * <p>Not thread-safe: owned by one {@link LoopTick}; the counters are volatile so {@link #stats} may be read from any
 * thread.
 */
final class TickSlots {
    static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Missed slots run on a late wake-up; later ones are skipped. 10 slots: 200 ms of audio. */
    static final int MAX_CATCH_UP = 10;
    /** A wake-up later than this after its slot counts as late in {@link TickStats}. */
    static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private long nextSlot;
    private volatile long ticks;
    private volatile long lateTicks;
    private volatile long skippedSlots;
    private volatile long maxLateNanos;
    /** Wake-ups per {@link TickLateness} bucket; written by the owner only (lazySet), read by any thread. */
    private final AtomicLongArray lateness = new AtomicLongArray(TickLateness.BOUNDS_MILLIS.length + 1);
    private volatile long lateSumNanos;

    /** @param firstSlot the first slot's time, ns */
    TickSlots(long firstSlot) {
        this.nextSlot = firstSlot;
    }

    /**
     * A wake-up at {@code now}: counts it and moves past the slots it serves.
     *
     * @return how many ticks to run now: 1 when on time, up to {@code 1 + MAX_CATCH_UP} when late (the slots
     *         beyond are skipped and counted)
     */
    int onWake(long now) {
        long late = now - nextSlot;
        if (late > maxLateNanos) {
            maxLateNanos = late;
        }
        if (late > LATE_NANOS) {
            lateTicks++;
        }
        int bucket = TickLateness.bucket(late);
        lateness.lazySet(bucket, lateness.get(bucket) + 1); // one writer: no CAS, no allocation
        lateSumNanos += Math.max(0, late);
        long missed = late >= SLOT_NANOS ? late / SLOT_NANOS : 0;
        long caughtUp = Math.min(missed, MAX_CATCH_UP);
        skippedSlots += missed - caughtUp;
        ticks += 1 + caughtUp;
        nextSlot += (missed + 1) * SLOT_NANOS;
        return (int) (1 + caughtUp);
    }

    /** Nanoseconds from {@code now} to the next slot; 0 when it is already due. */
    long delayNanos(long now) {
        return Math.max(0, nextSlot - now);
    }

    /** Slots skipped since start. */
    long skipped() {
        return skippedSlots;
    }

    /** The wake-ups' lateness so far; any thread (a torn read is off by one wake-up). */
    TickLateness lateness() {
        long[] counts = new long[lateness.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = lateness.get(i);
        }
        return new TickLateness(counts, lateSumNanos);
    }

    TickStats stats() {
        return new TickStats(ticks, lateTicks, skippedSlots, maxLateNanos / 1_000_000.0);
    }
}
