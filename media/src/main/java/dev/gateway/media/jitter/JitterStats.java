package dev.gateway.media.jitter;

/**
 * Immutable snapshot of a {@link JitterBuffer}'s counters; counters are cumulative over the buffer's life,
 * {@link JitterBuffer#reset} does not clear them. Safe to share between threads.
 *
 * @param pushed          packets given to push, whatever the result
 * @param duplicates      pushes answered DUPLICATE
 * @param late            pushes answered LATE
 * @param lost            lost frames returned by poll (concealed by the consumer)
 * @param overflowResets  pushes answered OVERFLOW_RESET
 * @param dropped         frames discarded unplayed to bring the depth back to target (sender clock fast)
 * @param currentDelayMs  how long an on-time packet now waits between arrival and playout, ms
 * @param targetDelayMs   the delay the buffer is steering toward, ms, within [minDelayMs, maxDelayMs]
 */
public record JitterStats(long pushed, long duplicates, long late, long lost, long overflowResets, long dropped,
        int currentDelayMs, int targetDelayMs) {
}
