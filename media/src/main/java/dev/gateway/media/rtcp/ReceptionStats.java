package dev.gateway.media.rtcp;

/**
 * Receiver-side statistics of one RTP source for reception report blocks (RFC 3550 §6.4.1): extended highest
 * sequence number, cumulative and fractional loss, interarrival jitter.
 *
 * <p>Sequence tracking follows RFC 3550 Appendix A.1, simplified: there is no probation, the first packet is
 * accepted at once (the source is a signalled peer, not a guess on a shared port); a jump of more than
 * {@value #MAX_DROPOUT} ahead or {@value #MAX_MISORDER} behind is ignored unless the next packet continues
 * from it, in which case the statistics restart there. Jitter is the Appendix A.8 estimator, kept scaled by 16
 * in RTP ticks.
 *
 * <p>Loop-confined (the stream's event loop) and allocation free; not thread-safe. Arrival times are
 * nanoseconds from any monotonic source, given by the caller.
 */
public final class ReceptionStats {

    static final int MAX_DROPOUT = 3000;
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;
    private static final int SEQ_MASK = SEQ_MOD - 1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int CUMULATIVE_LOST_MAX = 0x7F_FFFF;
    private static final int CUMULATIVE_LOST_MIN = -0x80_0000;

    private long ssrc;
    private boolean started;
    private int clockRate;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long originNanos;
    private long lastTransit;
    private boolean transitValid;
    /** Interarrival jitter in RTP ticks, times 16 (RFC 3550 A.8). */
    private long jitterScaled;

    /** Starts with SSRC 0; call {@link #reset} when the source is known. */
    public ReceptionStats() {
        reset(0);
    }

    /** Forgets everything, for a new or changed source. */
    public void reset(long ssrc) {
        this.ssrc = ssrc & 0xFFFF_FFFFL;
        started = false;
        clockRate = 0;
        maxSeq = 0;
        cycles = 0;
        baseSeq = 0;
        badSeq = SEQ_MOD + 1;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        lastTransit = 0;
        transitValid = false;
        jitterScaled = 0;
    }

    /**
     * Accounts one received packet.
     *
     * @param seq          RTP sequence number, 0..65535
     * @param rtpTimestamp RTP timestamp in ticks, 0..2^32-1
     * @param arrivalNanos arrival time, nanoseconds
     * @param clockRate    RTP clock rate of the payload, Hz (8000 for G.711)
     * @return false when the packet was set aside as a possible restart (A.1 bad_seq) and not counted
     */
    public boolean onPacket(int seq, long rtpTimestamp, long arrivalNanos, int clockRate) {
        seq &= SEQ_MASK;
        if (!started) {
            started = true;
            originNanos = arrivalNanos;
            this.clockRate = clockRate;
            initSequence(seq);
        } else {
            int udelta = (seq - maxSeq) & SEQ_MASK;
            if (udelta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += SEQ_MOD;
                }
                maxSeq = seq;
            } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
                if (seq != badSeq) {
                    badSeq = (seq + 1) & SEQ_MASK;
                    return false;
                }
                initSequence(seq);
                transitValid = false;
            }
            // else: duplicate or reordered within MAX_MISORDER, counted below
        }
        received++;
        this.clockRate = clockRate;
        updateJitter(rtpTimestamp, arrivalNanos);
        return true;
    }

    private void initSequence(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
    }

    /** RFC 3550 A.8: J += (|D| - J) / 16, with transit times in RTP ticks compared modulo 2^32. */
    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long transit = arrivalTicks(arrivalNanos) - rtpTimestamp;
        if (transitValid) {
            long d = Math.abs((long) (int) (transit - lastTransit));
            jitterScaled += d - ((jitterScaled + 8) >> 4);
        }
        lastTransit = transit;
        transitValid = true;
    }

    /** Arrival time in RTP ticks since the first packet, exact and free of overflow for any span. */
    private long arrivalTicks(long arrivalNanos) {
        long elapsed = arrivalNanos - originNanos;
        return Math.floorDiv(elapsed, NANOS_PER_SECOND) * clockRate
                + Math.floorMod(elapsed, NANOS_PER_SECOND) * clockRate / NANOS_PER_SECOND;
    }

    /** SSRC given to the last {@link #reset}. */
    public long ssrc() {
        return ssrc;
    }

    /** Packets counted since the (re)start of sequence tracking, duplicates included (as RFC 3550 does). */
    public long packetsReceived() {
        return received;
    }

    /** Cycles (multiples of 65536) plus the highest sequence number seen; 32 bits on the wire. */
    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    /** Packets expected: extended highest minus base, plus one; 0 before the first packet. */
    public long expected() {
        return started ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Expected minus received, clamped to the signed 24-bit range of the report block. */
    public int cumulativeLost() {
        long lost = expected() - received;
        return (int) Math.max(CUMULATIVE_LOST_MIN, Math.min(CUMULATIVE_LOST_MAX, lost));
    }

    /** Interarrival jitter in RTP ticks. */
    public long jitterTicks() {
        return jitterScaled >> 4;
    }

    /** Interarrival jitter in milliseconds; 0 before the clock rate is known. */
    public double jitterMs() {
        return clockRate == 0 ? 0 : jitterScaled / 16.0 * 1000.0 / clockRate;
    }

    /**
     * Fills {@code out} for the next SR or RR and starts a new loss interval (RFC 3550 A.3): the fraction lost
     * covers the packets since the previous call.
     *
     * @param lastSr           middle 32 bits of the last SR's NTP time from this source, 0 if none
     * @param delaySinceLastSr 1/65536 s since that SR arrived, 0 if none
     * @return false, leaving {@code out} untouched, before the first packet
     */
    public boolean fillReportBlock(ReportBlock out, long lastSr, long delaySinceLastSr) {
        if (!started) {
            return false;
        }
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0
                : (int) ((lostInterval << 8) / expectedInterval);
        out.set(ssrc, fraction, cumulativeLost(), extendedHighestSequence(), jitterTicks(), lastSr,
                delaySinceLastSr);
        return true;
    }
}
