package dev.gateway.media.endpoint;

/**
 * How punctually the media ticks ran since start, summed over the engine's event loops (a snapshot).
 *
 * @param ticks        ticks run (catch-up ticks included)
 * @param lateTicks    ticks that woke more than 2 ms after their slot
 * @param skippedSlots 20 ms slots not run because a wake-up came more than the catch-up limit late (a gap in every
 *                     call's audio on that loop)
 * @param maxLateMillis the latest wake-up after its slot, ms
 */
public record TickStats(long ticks, long lateTicks, long skippedSlots, double maxLateMillis) {

    TickStats plus(TickStats o) {
        return new TickStats(ticks + o.ticks, lateTicks + o.lateTicks, skippedSlots + o.skippedSlots,
                Math.max(maxLateMillis, o.maxLateMillis));
    }
}
