package dev.gateway.media.webrtc.sctp;

import dev.gateway.media.webrtc.sctp.SctpForwardTsnChunk.StreamSsn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sending half of an association: fragmentation and TSN/SSN assignment, the retransmission queue, SACK
 * processing (RFC 4960 §6.2.1), fast retransmit (§7.2.4), congestion and flow control (§6.1, §7.2) and partial
 * reliability (RFC 3758 §3.5: abandoning messages, the advanced peer ack point, FORWARD TSN).
 *
 * <p>TSNs are assigned when a message is queued, so every fragment of a message has its TSN from the start and a
 * message is abandoned as a whole. TSNs are kept unwrapped in {@code long}s; only the wire form wraps.
 *
 * <p>Not thread-safe: loop-confined to its association.
 */
final class SctpSendQueue {

    /** Largest user data per DATA chunk, so a packet stays within the DTLS MTU of 1200. */
    static final int MAX_FRAGMENT = 1100;
    /** The MTU used for congestion control, in bytes. */
    static final int MTU = 1200;
    private static final int FAST_RETRANSMIT_REPORTS = 3;

    private final TreeMap<Long, SctpOutboundChunk> unacked = new TreeMap<>();
    private final TreeSet<Long> retransmitQueue = new TreeSet<>();
    private final Map<Integer, Integer> nextSsn = new HashMap<>();
    private final long capacity;
    private final SctpCounters counters;
    private long nextTsn;
    private long nextUnsentTsn;
    private long cumulativeAck;
    private long advancedPeerAckPoint;
    private long bufferedBytes;
    private long flightBytes;
    private long peerWindow;
    private long cwnd = 4 * MTU;
    private long ssthresh;
    private long partialBytesAcked;
    private long fastRecoveryExit = -1;

    /** What one SACK changed, for the association's timers. Immutable. */
    record SackOutcome(boolean cumulativeAdvanced, long rttSampleNanos) {
    }

    SctpSendQueue(int initialTsn, long peerWindow, long capacity, SctpCounters counters) {
        this.nextTsn = Integer.toUnsignedLong(initialTsn);
        this.nextUnsentTsn = nextTsn;
        this.cumulativeAck = nextTsn - 1;
        this.advancedPeerAckPoint = cumulativeAck;
        this.peerWindow = peerWindow;
        this.ssthresh = peerWindow;
        this.capacity = capacity;
        this.counters = counters;
    }

    /** Fragments and queues one message; false when the send buffer cannot take it. {@code len} must be > 0. */
    boolean enqueue(int streamId, int ppid, byte[] data, int off, int len, boolean ordered, int maxRetransmits) {
        if (bufferedBytes + len > capacity) {
            return false;
        }
        int ssn = 0;
        if (ordered) {
            ssn = nextSsn.getOrDefault(streamId, 0);
            nextSsn.put(streamId, (ssn + 1) & 0xFFFF);
        }
        int fragments = (len + MAX_FRAGMENT - 1) / MAX_FRAGMENT;
        SctpOutboundChunk.Message message =
                new SctpOutboundChunk.Message(nextTsn, nextTsn + fragments - 1, maxRetransmits);
        for (int i = 0; i < fragments; i++) {
            int from = off + i * MAX_FRAGMENT;
            byte[] payload = new byte[Math.min(MAX_FRAGMENT, off + len - from)];
            System.arraycopy(data, from, payload, 0, payload.length);
            SctpDataChunk chunk = new SctpDataChunk(!ordered, i == 0, i == fragments - 1, (int) nextTsn, streamId,
                    ssn, ppid, payload);
            unacked.put(nextTsn, new SctpOutboundChunk(nextTsn, chunk, message));
            nextTsn++;
        }
        bufferedBytes += len;
        return true;
    }

    /**
     * The next DATA chunk to put on the wire within {@code room} bytes of packet, retransmissions first, or null
     * when none may go now (nothing queued, cwnd or peer window full). Marks it sent at {@code nowNanos}.
     */
    SctpDataChunk poll(int room, long nowNanos) {
        SctpOutboundChunk next = null;
        boolean isRetransmission = !retransmitQueue.isEmpty();
        if (isRetransmission) {
            next = unacked.get(retransmitQueue.first());
        } else {
            while (nextUnsentTsn < nextTsn) {
                SctpOutboundChunk c = unacked.get(nextUnsentTsn);
                if (c != null && !c.message.abandoned) {
                    next = c;
                    break;
                }
                nextUnsentTsn++;
            }
        }
        if (next == null || next.chunk.encodedSize() > room) {
            return null;
        }
        int size = next.payloadBytes();
        // §6.1 rule B: new data only while the flight is below cwnd; rule A: a zero window admits one probe
        if (!isRetransmission && (flightBytes >= cwnd || (peerWindow < size && flightBytes > 0))) {
            return null;
        }
        if (isRetransmission) {
            retransmitQueue.pollFirst();
            next.retransmit = false;
            counters.retransmissions.increment();
        } else {
            nextUnsentTsn++;
        }
        next.transmissions++;
        next.sentAtNanos = nowNanos;
        next.inFlight = true;
        next.missingReports = 0;
        flightBytes += size;
        peerWindow = Math.max(0, peerWindow - size);
        counters.dataChunksSent.increment();
        return next.chunk;
    }

    /** Applies a SACK (RFC 4960 §6.2.1, §7.2). Stale SACKs (cumulative ack behind ours) change nothing. */
    SackOutcome onSack(SctpSackChunk sack, long nowNanos) {
        long cum = unwrap(sack.cumulativeTsnAck());
        if (cum < cumulativeAck || cum >= nextUnsentTsn) {
            counters.staleSacks.increment();
            return new SackOutcome(false, -1);
        }
        long acked = 0;
        long rtt = -1;
        while (!unacked.isEmpty() && unacked.firstKey() <= cum) {
            SctpOutboundChunk c = unacked.pollFirstEntry().getValue();
            if (!c.gapAcked && !c.message.abandoned) {
                acked += c.payloadBytes();
            }
            if (c.transmissions == 1 && !c.retransmit) { // Karn: only chunks sent once give an RTT sample
                rtt = nowNanos - c.sentAtNanos;
            }
            leaveFlight(c);
            retransmitQueue.remove(c.tsn);
            bufferedBytes -= c.payloadBytes();
        }
        boolean advanced = cum > cumulativeAck;
        cumulativeAck = cum;
        long highestGapAcked = cum;
        for (SctpSackChunk.GapBlock block : sack.gapBlocks()) {
            for (long t = cum + block.start(); t <= cum + block.end(); t++) {
                SctpOutboundChunk c = unacked.get(t);
                if (c != null && !c.gapAcked && c.transmissions > 0) {
                    c.gapAcked = true;
                    if (!c.message.abandoned) {
                        acked += c.payloadBytes();
                    }
                    leaveFlight(c);
                    c.retransmit = false;
                    retransmitQueue.remove(t);
                }
                highestGapAcked = Math.max(highestGapAcked, t);
            }
        }
        growWindow(advanced, acked);
        if (fastRecoveryExit >= 0 && cum >= fastRecoveryExit) {
            fastRecoveryExit = -1;
        }
        boolean fastRetransmit = false;
        for (SctpOutboundChunk c : unacked.headMap(highestGapAcked, false).values()) {
            if (c.inFlight && ++c.missingReports == FAST_RETRANSMIT_REPORTS) {
                fastRetransmit = true;
                markForRetransmission(c);
                counters.fastRetransmits.increment();
            }
        }
        if (fastRetransmit && fastRecoveryExit < 0) { // §7.2.4: halve once per recovery episode
            ssthresh = Math.max(cwnd / 2, 4L * MTU);
            cwnd = ssthresh;
            partialBytesAcked = 0;
            fastRecoveryExit = nextUnsentTsn - 1;
        }
        peerWindow = Math.max(0, sack.advertisedWindow() - flightBytes);
        advanceAckPoint();
        return new SackOutcome(advanced, rtt);
    }

    private void growWindow(boolean advanced, long acked) {
        if (!advanced || acked == 0) {
            return;
        }
        if (cwnd <= ssthresh) {
            cwnd += Math.min(acked, MTU); // §7.2.1 slow start
        } else {
            partialBytesAcked += acked; // §7.2.2 congestion avoidance
            if (partialBytesAcked >= cwnd) {
                partialBytesAcked -= cwnd;
                cwnd += MTU;
            }
        }
    }

    /** T3-rtx expired (RFC 4960 §6.3.3, §7.2.3): everything in flight goes back to the queue, cwnd to one MTU. */
    void onRetransmitTimeout() {
        for (SctpOutboundChunk c : unacked.values()) {
            if (c.inFlight) {
                markForRetransmission(c);
            }
        }
        ssthresh = Math.max(cwnd / 2, 4L * MTU);
        cwnd = MTU;
        partialBytesAcked = 0;
        fastRecoveryExit = -1;
        advanceAckPoint();
    }

    private void markForRetransmission(SctpOutboundChunk c) {
        leaveFlight(c);
        if (c.exhausted()) {
            abandon(c.message);
        } else {
            c.retransmit = true;
            retransmitQueue.add(c.tsn);
        }
    }

    private void abandon(SctpOutboundChunk.Message m) {
        if (m.abandoned) {
            return;
        }
        m.abandoned = true;
        counters.abandonedMessages.increment();
        for (long t = m.firstTsn; t <= m.lastTsn; t++) {
            SctpOutboundChunk c = unacked.get(t);
            if (c != null) {
                leaveFlight(c);
                c.retransmit = false;
                retransmitQueue.remove(t);
            }
        }
    }

    private void leaveFlight(SctpOutboundChunk c) {
        if (c.inFlight) {
            c.inFlight = false;
            flightBytes -= c.payloadBytes();
        }
    }

    /** RFC 3758 §3.5 C1, C2: move the advanced peer ack point over abandoned chunks. */
    private void advanceAckPoint() {
        advancedPeerAckPoint = Math.max(advancedPeerAckPoint, cumulativeAck);
        while (true) {
            SctpOutboundChunk c = unacked.get(advancedPeerAckPoint + 1);
            if (c == null || !c.message.abandoned) {
                break;
            }
            advancedPeerAckPoint++;
        }
        if (nextUnsentTsn <= advancedPeerAckPoint) { // abandoned before they were ever sent
            nextUnsentTsn = advancedPeerAckPoint + 1;
        }
    }

    /** RFC 3758 §3.5 C3: the FORWARD TSN owed to the peer, or null when the ack point is not ahead. */
    SctpForwardTsnChunk forwardTsn() {
        if (advancedPeerAckPoint <= cumulativeAck) {
            return null;
        }
        Map<Integer, Integer> lastSsn = new HashMap<>();
        for (SctpOutboundChunk c : unacked.subMap(cumulativeAck, false, advancedPeerAckPoint, true).values()) {
            if (!c.chunk.unordered()) {
                lastSsn.put(c.chunk.streamId(), c.chunk.ssn());
            }
        }
        List<StreamSsn> streams = new ArrayList<>();
        lastSsn.forEach((sid, ssn) -> streams.add(new StreamSsn(sid, ssn)));
        return new SctpForwardTsnChunk((int) advancedPeerAckPoint, streams);
    }

    /** Chunks or a FORWARD TSN the peer still owes an acknowledgement for: T3-rtx must run. */
    boolean awaitingAck() {
        return flightBytes > 0 || advancedPeerAckPoint > cumulativeAck;
    }

    /** True when something may be waiting for {@link #poll}. */
    boolean hasPending() {
        return !retransmitQueue.isEmpty() || nextUnsentTsn < nextTsn;
    }

    /** Nothing queued, in flight or unacknowledged: SHUTDOWN may go (RFC 4960 §9.2). */
    boolean drained() {
        return unacked.isEmpty();
    }

    private long unwrap(int tsn) {
        return cumulativeAck + (int) (tsn - (int) cumulativeAck);
    }

    /** Sent-but-unacknowledged plus queued user bytes. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    long cwnd() {
        return cwnd;
    }

    long flightBytes() {
        return flightBytes;
    }

    /** The peer's cumulative TSN ack, wire form. */
    int cumulativeAck() {
        return (int) cumulativeAck;
    }

    /** The last TSN assigned, wire form. */
    int lastAssignedTsn() {
        return (int) (nextTsn - 1);
    }
}
