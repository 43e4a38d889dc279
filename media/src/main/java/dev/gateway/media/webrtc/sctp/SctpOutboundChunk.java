package dev.gateway.media.webrtc.sctp;

/**
 * Sender-side bookkeeping for one DATA chunk until the peer acknowledges it cumulatively. Mutable scratch object
 * owned by {@link SctpSendQueue}; loop-confined like it.
 */
final class SctpOutboundChunk {

    /**
     * The user message a chunk belongs to: partial reliability abandons whole messages (RFC 3758 §3.5 A3).
     * Mutable, loop-confined.
     */
    static final class Message {
        final long firstTsn;
        final long lastTsn;
        /** -1: reliable; otherwise the number of retransmissions allowed per chunk. */
        final int maxRetransmits;
        boolean abandoned;

        Message(long firstTsn, long lastTsn, int maxRetransmits) {
            this.firstTsn = firstTsn;
            this.lastTsn = lastTsn;
            this.maxRetransmits = maxRetransmits;
        }
    }

    /** Unwrapped TSN (64-bit, never wraps). */
    final long tsn;
    final SctpDataChunk chunk;
    final Message message;
    /** Times put on the wire. */
    int transmissions;
    /** When last put on the wire, in nanos of the injected clock. */
    long sentAtNanos;
    /** Counted in the flight size: sent, not gap-acked, not abandoned, not waiting for retransmission. */
    boolean inFlight;
    /** Reported received in a gap ack block of the latest SACK. */
    boolean gapAcked;
    /** Queued for retransmission. */
    boolean retransmit;
    /** Missing reports since last transmission (RFC 4960 §7.2.4 fast retransmit). */
    int missingReports;

    SctpOutboundChunk(long tsn, SctpDataChunk chunk, Message message) {
        this.tsn = tsn;
        this.chunk = chunk;
        this.message = message;
    }

    int payloadBytes() {
        return chunk.payload().length;
    }

    /** True when partial reliability says to give up instead of sending it again. */
    boolean exhausted() {
        return message.maxRetransmits >= 0 && transmissions > message.maxRetransmits;
    }
}
