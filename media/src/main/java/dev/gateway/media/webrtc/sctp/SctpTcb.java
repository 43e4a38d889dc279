package dev.gateway.media.webrtc.sctp;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Transmission Control Block of one association (RFC 4960 §14.2): the state, tags, queues, RTO, error count and
 * timers that the association's parts ({@link SctpHandshake}, {@link SctpShutdownSequence}, {@link SctpTimeouts},
 * {@link SctpBundler}) share. A plain holder: the parts read and write its fields; it decides nothing.
 *
 * <p>Threading: loop-confined to its association, except {@link #state} (volatile) and the queue references and
 * counters that {@link #stats()} reads racily from any thread.
 */
final class SctpTcb {

    final int localTag;
    final int localInitialTsn;
    final SctpCounters counters = new SctpCounters();
    final SctpRto rto = new SctpRto();
    final SctpReassembly reassembly = new SctpReassembly();
    /** T1-init and T1-cookie (§5.1). */
    final SctpTimer t1 = new SctpTimer();
    /** T2-shutdown (§9.2). */
    final SctpTimer t2 = new SctpTimer();
    /** T3-rtx (§6.3.2). */
    final SctpTimer t3 = new SctpTimer();
    final SctpTimer delayedSack = new SctpTimer();
    final SctpTimer heartbeat = new SctpTimer();

    volatile SctpState state = SctpState.CLOSED;
    /** Created once the peer's initial TSN and window are known (INIT ACK or COOKIE ECHO); null before. */
    SctpSendQueue sendQueue;
    SctpReceiveQueue receiveQueue;
    /** The peer's verification tag; 0 until the handshake has told it. */
    int peerTag;
    /** Association error count (§8.1): consecutive T2/T3 expiries and unanswered heartbeats. */
    int errorCount;
    boolean heartbeatOutstanding;
    /** Set once, by the association's close; nothing is sent afterwards. */
    boolean closed;
    /** The time (ns) carried by the latest call into the association. */
    long now;

    /** Draws the local tag (never 0) and initial TSN from {@code random}. */
    SctpTcb(SecureRandom random) {
        int tag;
        do {
            tag = random.nextInt();
        } while (tag == 0);
        this.localTag = tag;
        this.localInitialTsn = random.nextInt();
    }

    void createQueues(int peerInitialTsn, long peerWindow) {
        sendQueue = new SctpSendQueue(localInitialTsn, peerWindow, SctpAssociation.BUFFER_BYTES, counters);
        receiveQueue = new SctpReceiveQueue(peerInitialTsn);
    }

    /** A snapshot of counters and state. Thread-safe (the non-counter fields are read racily). */
    SctpStats stats() {
        SctpSendQueue sq = sendQueue;
        SctpReceiveQueue rq = receiveQueue;
        SctpCounters c = counters;
        return new SctpStats(state, c.packetsReceived.sum(), c.packetsSent.sum(), c.badChecksums.sum(),
                c.malformedPackets.sum(), c.badVerificationTags.sum(), c.unknownChunks.sum(), c.dataChunksSent.sum(),
                c.dataChunksReceived.sum(), c.duplicateTsns.sum(), c.outOfWindowTsns.sum(), c.retransmissions.sum(),
                c.fastRetransmits.sum(), c.retransmitTimeouts.sum(), c.staleSacks.sum(), c.abandonedMessages.sum(),
                c.forwardTsnsSent.sum(), c.forwardTsnsReceived.sum(), c.messagesSent.sum(),
                c.messagesDelivered.sum(), c.heartbeatsSent.sum(), c.heartbeatAcksReceived.sum(),
                rq == null ? 0 : rq.cumulativeTsn(), sq == null ? 0 : sq.cumulativeAck(),
                sq == null ? 0 : sq.lastAssignedTsn(), TimeUnit.NANOSECONDS.toMillis(rto.rtoNanos()),
                sq == null ? 0 : sq.cwnd(), sq == null ? 0 : sq.bufferedBytes());
    }
}
