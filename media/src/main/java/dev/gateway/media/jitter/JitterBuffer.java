package dev.gateway.media.jitter;

import dev.gateway.media.rtp.SequenceNumbers;
import io.netty.buffer.ByteBuf;

/**
 * Adaptive jitter buffer for one RTP stream: reorders, drops duplicates and late packets, reports gaps as lost
 * frames for the consumer to conceal, and steers its delay between {@code minDelayMs} and {@code maxDelayMs}.
 *
 * <p><b>Playout model.</b> The first packet anchors RTP time to local time: packet {@code p} is due at
 * {@code base + (ts(p) - baseTs) / clockRate}, with {@code base = arrival(first) + target}. Sequence numbers
 * (16 bit) and timestamps (32 bit) are extended internally, so both wrap freely. The consumer calls
 * {@link #poll} in a loop each 20 ms tick until it has enough samples; frames may be 10, 20 or 30 ms.
 *
 * <p><b>Adaptation.</b> A {@link DelayEstimator} proposes a target (grows at once when packets arrive late,
 * relaxes by 5 ms per second). The buffer tracks its depth, the time an on-time packet waits. At most once
 * per 20 ms of poll time it moves the timeline toward the target: a shallow buffer is deepened by up to one
 * frame (poll then answers false for a moment and the consumer conceals, as it would for a gap); a buffer
 * deeper than target by more than a frame, with two frames queued, drops the head frame. The same two moves
 * absorb a sender whose clock runs slow or fast. A timestamp that jumps more than {@value #RESYNC_MS} ms off
 * the timeline, or a sequence too far ahead for the ring, resynchronises the buffer on that packet. After
 * {@value #MAX_BLIND_LOSSES} lost frames with nothing buffered (the sender paused), the buffer goes idle and
 * the next packet re-anchors the timeline.
 *
 * <p><b>Threading and allocation.</b> Loop-confined (the call's event loop); not thread-safe. Nothing is
 * allocated after construction except {@link #stats()} snapshots: payloads are copied into preallocated
 * slots and out into the caller's {@link JitterFrame}. Times are nanoseconds from the caller's monotonic
 * clock; the caller's {@code ByteBuf} is read, never retained or released.
 */
public final class JitterBuffer {

    static final long RESYNC_MS = 1000;
    static final int MAX_BLIND_LOSSES = 5;
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long ADJUST_INTERVAL_NANOS = 20 * NANOS_PER_MS;
    private static final long ADJUST_TOLERANCE_NANOS = 2 * NANOS_PER_MS;
    private static final long DEFAULT_FRAME_NANOS = 20 * NANOS_PER_MS;
    /** Depth follows later packets down by 1/32 of the difference; earlier ones raise it at once. */
    private static final int DEPTH_DECAY_SHIFT = 5;
    private static final long TS_MASK = 0xFFFF_FFFFL;

    private final int clockRate;
    private final int maxPayloadBytes;
    private final JitterRing ring;
    private final DelayEstimator estimator;

    private boolean started;
    private boolean hasPlayed;
    private long baseNanos;
    private long baseTs;
    private long nextSeq;
    private long highestSeq;
    private long lastExtTs;
    private long lastPlayedTs;
    private long lastPlayedSeq;
    /** Timestamp of the last frame handed out, played or concealed; ahead of lastPlayedTs after blind losses. */
    private long coveredTs;
    private int lastDuration;
    private long depthNanos;
    private long lastPollNanos;
    private long lastAdjustNanos;
    private boolean polled;
    private int blindLosses;
    /** A packet came after its frame was played (concealed) since the timeline was anchored. */
    private boolean lateSinceAnchor;
    private long minDelayCurrent = Long.MAX_VALUE;
    private long minDelayPrevious = Long.MAX_VALUE;
    private long minDelayWindowStart;

    private long pushed;
    private long duplicates;
    private long late;
    private long lost;
    private long overflowResets;
    private long dropped;

    /**
     * @param clockRate       RTP clock rate, Hz (8000 for G.711)
     * @param minDelayMs      lowest target delay, ms
     * @param maxDelayMs      highest target delay, ms; the ring holds twice this in 10 ms packets
     * @param maxPayloadBytes largest payload accepted, bytes
     */
    public JitterBuffer(int clockRate, int minDelayMs, int maxDelayMs, int maxPayloadBytes) {
        if (clockRate <= 0 || minDelayMs < 0 || maxDelayMs < minDelayMs || maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("clockRate=" + clockRate + " minDelayMs=" + minDelayMs
                    + " maxDelayMs=" + maxDelayMs + " maxPayloadBytes=" + maxPayloadBytes);
        }
        this.clockRate = clockRate;
        this.maxPayloadBytes = maxPayloadBytes;
        this.ring = new JitterRing(maxDelayMs * 2 / 10, maxPayloadBytes);
        this.estimator = new DelayEstimator(minDelayMs * NANOS_PER_MS, maxDelayMs * NANOS_PER_MS);
    }

    /**
     * Copies {@code src[index, index + length)} into the buffer.
     *
     * @param sequenceNumber RTP sequence number, 0..65535
     * @param timestamp      RTP timestamp, ticks, 0..2^32-1
     * @param arrivalNanos   arrival time, ns
     */
    public JitterPushResult push(int sequenceNumber, long timestamp, ByteBuf src, int index, int length,
            long arrivalNanos) {
        pushed++;
        if (length > maxPayloadBytes) {
            return JitterPushResult.TOO_LARGE;
        }
        if (!started) {
            anchor(sequenceNumber & 0xFFFF, timestamp & TS_MASK, src, index, length, arrivalNanos);
            return JitterPushResult.ACCEPTED;
        }
        long ext = highestSeq + SequenceNumbers.diff16(sequenceNumber, (int) (highestSeq & 0xFFFF));
        long extTs = lastExtTs + SequenceNumbers.diff32(timestamp, lastExtTs & TS_MASK);
        if (ring.contains(ext)) {
            duplicates++;
            return JitterPushResult.DUPLICATE;
        }
        long delay = playoutNanos(extTs) - arrivalNanos;
        boolean startReorder = !hasPlayed && ext < nextSeq && highestSeq - ext < ring.capacity();
        if (ext < nextSeq && !startReorder || hasPlayed && extTs <= coveredTs) {
            // its frame has been played out already (concealed): only now is the packet really late
            late++;
            // late relative to the timeline in use: its depth, when a raised target has not been reached yet
            estimator.onLate(Math.max(0, -delay), Math.min(estimator.targetNanos(), depthNanos));
            lateSinceAnchor = true;
            return JitterPushResult.LATE;
        }
        long target = estimator.targetNanos();
        if (ext - nextSeq >= ring.capacity() || delay > target + RESYNC_MS * NANOS_PER_MS
                || delay < -RESYNC_MS * NANOS_PER_MS) {
            overflowResets++;
            ring.clear();
            estimator.newTimeline();
            anchor(ext, extTs, src, index, length, arrivalNanos);
            return JitterPushResult.OVERFLOW_RESET;
        }
        if (delay < 0) {
            estimator.onOverdue(-delay, Math.min(target, depthNanos)); // past its playout time, in time for its tick
        }
        estimator.onArrival(arrivalNanos - ticksToNanos(extTs - baseTs));
        depthNanos = delay > depthNanos ? delay : depthNanos + ((delay - depthNanos) >> DEPTH_DECAY_SHIFT);
        if (arrivalNanos - minDelayWindowStart >= NANOS_PER_SECOND) {
            minDelayPrevious = minDelayCurrent;
            minDelayCurrent = Long.MAX_VALUE;
            minDelayWindowStart = arrivalNanos;
        }
        minDelayCurrent = Math.min(minDelayCurrent, delay);
        ring.put(ext, extTs, src, index, length);
        if (startReorder) {
            nextSeq = ext;
        }
        if (ext > highestSeq) {
            highestSeq = ext;
            lastExtTs = extTs;
        }
        return JitterPushResult.ACCEPTED;
    }

    private void anchor(long ext, long extTs, ByteBuf src, int index, int length, long arrivalNanos) {
        long target = estimator.targetNanos();
        started = true;
        hasPlayed = false;
        lateSinceAnchor = false;
        blindLosses = 0;
        baseNanos = arrivalNanos + target;
        baseTs = extTs;
        nextSeq = ext;
        highestSeq = ext;
        lastExtTs = extTs;
        depthNanos = target;
        minDelayCurrent = target;
        minDelayPrevious = Long.MAX_VALUE;
        minDelayWindowStart = arrivalNanos;
        estimator.onArrival(arrivalNanos);
        ring.put(ext, extTs, src, index, length);
    }

    /**
     * Hands out the frame due at {@code nowNanos}, if any. Returns false when nothing is due: not started,
     * waiting for the head's playout time, deepening the buffer, or idle after a pause.
     */
    public boolean poll(long nowNanos, JitterFrame out) {
        if (out.capacity() < maxPayloadBytes) {
            throw new IllegalArgumentException("frame holds " + out.capacity() + " bytes, need " + maxPayloadBytes);
        }
        if (!started) {
            return false;
        }
        if (polled) {
            estimator.decay(nowNanos - lastPollNanos);
        }
        polled = true;
        lastPollNanos = nowNanos;
        if (nowNanos - lastAdjustNanos >= ADJUST_INTERVAL_NANOS || !hasPlayed) {
            adjust(nowNanos);
        }
        while (true) {
            if (ring.contains(nextSeq)) {
                long ts = ring.timestamp(nextSeq);
                if (hasPlayed && ts <= coveredTs) {
                    ring.remove(nextSeq); // its time was concealed while it was missing: too late to play
                    nextSeq++;
                    continue;
                }
                if (nowNanos < playoutNanos(ts)) {
                    return false;
                }
                int samples = lastDuration;
                if (ring.contains(nextSeq + 1)) {
                    long spacing = ring.timestamp(nextSeq + 1) - ts;
                    samples = spacing > 0 && spacing <= Integer.MAX_VALUE ? (int) spacing : lastDuration;
                } else if (samples == 0 && hasPlayed && nextSeq == lastPlayedSeq + 1) {
                    // packets played as they come (a small delay): learn the frame length from the previous one
                    long spacing = ts - lastPlayedTs;
                    samples = spacing > 0 && spacing <= clockRate ? (int) spacing : 0;
                }
                int length = ring.copyTo(nextSeq, out.payload());
                out.setPacket((int) (nextSeq & 0xFFFF), ts & TS_MASK, length, samples);
                played(ts, samples);
                blindLosses = 0;
                return true;
            }
            long later = ring.firstPresentAfter(nextSeq, highestSeq);
            if (!hasPlayed) {
                if (later == Long.MIN_VALUE) {
                    return false;
                }
                nextSeq = later;
                continue;
            }
            int samples = lastDuration;
            long headTs = coveredTs + lastDuration;
            if (later != Long.MIN_VALUE) {
                long span = ring.timestamp(later) - lastPlayedTs;
                long each = span / (later - lastPlayedSeq);
                if (each > 0 && each <= Integer.MAX_VALUE) {
                    samples = (int) each;
                    headTs = lastPlayedTs + each;
                    if (headTs <= coveredTs) {
                        long covered = coveredTs; // lost, and its time already concealed while nothing came
                        played(headTs, samples);
                        coveredTs = covered;
                        continue;
                    }
                }
            } else if (blindLosses >= MAX_BLIND_LOSSES) {
                started = false;
                estimator.newTimeline(); // the next packet anchors a new timeline: its transit is not jitter
                return false;
            }
            if (samples == 0) {
                if (later == Long.MIN_VALUE) {
                    return false;
                }
                nextSeq = later;
                continue;
            }
            if (nowNanos < playoutNanos(headTs)) {
                return false;
            }
            out.setLost((int) (nextSeq & 0xFFFF), headTs & TS_MASK, samples);
            lost++;
            if (later == Long.MIN_VALUE) {
                // Nothing after it has arrived: the packet is late, lost, or the sender paused (DTX, mute) and
                // the next one carries a later timestamp. Conceal its time but keep waiting for its sequence
                // number: it plays if its timestamp is still ahead, and counts as late only if it is not.
                blindLosses++;
                coveredTs = headTs;
                return true;
            }
            blindLosses = 0;
            played(headTs, samples);
            return true;
        }
    }

    private void played(long ts, int samples) {
        hasPlayed = true;
        lastPlayedTs = ts;
        lastPlayedSeq = nextSeq;
        coveredTs = ts;
        if (samples > 0) {
            lastDuration = samples;
        }
        ring.remove(nextSeq);
        nextSeq++;
    }

    /** One step toward the target: deepen by up to a frame, or drop the head frame when a frame too deep. */
    private void adjust(long nowNanos) {
        long target = estimator.targetNanos();
        long error = depthNanos - target;
        long frameNanos = lastDuration > 0 ? ticksToNanos(lastDuration) : DEFAULT_FRAME_NANOS;
        // Deepening mid-stream holds the play-out for a moment, a gap the caller hears (and, when the tick that
        // would have played the head is skipped, a frame more delay): do it only to stop real losses or a slow
        // sender clock. A target raised by packets that were overdue but in time for their tick takes effect at
        // the next talk spurt, which the buffer anchors at the target.
        boolean needed = lateSinceAnchor || !hasPlayed || depthNanos < estimator.minNanos() - ADJUST_TOLERANCE_NANOS;
        if (error < -ADJUST_TOLERANCE_NANOS && needed) {
            long step = Math.min(-error, frameNanos);
            baseNanos += step;
            depthNanos += step;
            lastAdjustNanos = nowNanos;
        } else if (error > frameNanos + ADJUST_TOLERANCE_NANOS && hasPlayed && recentMinDelay() >= target + frameNanos
                - ADJUST_TOLERANCE_NANOS && ring.contains(nextSeq) && ring.contains(nextSeq + 1)) {
            // one frame earlier still leaves the latest packet of the last 1-2 s the target's margin
            long ts = ring.timestamp(nextSeq);
            long duration = ring.timestamp(nextSeq + 1) - ts;
            if (duration > 0 && duration <= clockRate) {
                long shift = ticksToNanos(duration);
                baseNanos -= shift;
                depthNanos -= shift;
                played(ts, (int) duration);
                dropped++;
                lastAdjustNanos = nowNanos;
            }
        }
    }

    /** Forgets every packet and the learnt delay (SSRC change, resync); the next push anchors anew. */
    public void reset() {
        ring.clear();
        estimator.reset();
        started = false;
        hasPlayed = false;
        polled = false;
        lastDuration = 0;
        blindLosses = 0;
    }

    /** The delay the buffer steers toward, ms. */
    public int targetDelayMs() {
        return (int) Math.round(estimator.targetNanos() / (double) NANOS_PER_MS);
    }

    /** A snapshot of the counters and delays. */
    public JitterStats stats() {
        return new JitterStats(pushed, duplicates, late, lost, overflowResets, dropped,
                started ? (int) Math.round(depthNanos / (double) NANOS_PER_MS) : 0, targetDelayMs());
    }

    /** The smallest wait before playout (due minus arrival) of any packet in the last one to two seconds. */
    private long recentMinDelay() {
        return Math.min(minDelayCurrent, minDelayPrevious);
    }

    private long playoutNanos(long extTs) {
        return baseNanos + ticksToNanos(extTs - baseTs);
    }

    /** RTP ticks to ns without overflow for any span a call can reach. */
    private long ticksToNanos(long ticks) {
        return Math.floorDiv(ticks, clockRate) * NANOS_PER_SECOND
                + Math.floorMod(ticks, clockRate) * NANOS_PER_SECOND / clockRate;
    }
}
