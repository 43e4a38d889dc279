package dev.gateway.media.webrtc.sctp;

import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one association. Incremented on the association's loop; read from any thread through
 * {@link SctpAssociation#stats()}. Thread-safe.
 */
final class SctpCounters {
    final LongAdder packetsReceived = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final LongAdder badChecksums = new LongAdder();
    final LongAdder malformedPackets = new LongAdder();
    final LongAdder badVerificationTags = new LongAdder();
    final LongAdder unknownChunks = new LongAdder();
    final LongAdder dataChunksSent = new LongAdder();
    final LongAdder dataChunksReceived = new LongAdder();
    final LongAdder duplicateTsns = new LongAdder();
    final LongAdder outOfWindowTsns = new LongAdder();
    final LongAdder retransmissions = new LongAdder();
    final LongAdder fastRetransmits = new LongAdder();
    final LongAdder retransmitTimeouts = new LongAdder();
    final LongAdder staleSacks = new LongAdder();
    final LongAdder abandonedMessages = new LongAdder();
    final LongAdder forwardTsnsSent = new LongAdder();
    final LongAdder forwardTsnsReceived = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder messagesDelivered = new LongAdder();
    final LongAdder heartbeatsSent = new LongAdder();
    final LongAdder heartbeatAcksReceived = new LongAdder();
}
