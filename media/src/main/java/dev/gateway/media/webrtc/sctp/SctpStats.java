package dev.gateway.media.webrtc.sctp;

/**
 * Immutable snapshot of an {@link SctpAssociation}, counters cumulative over its life. Safe to share between
 * threads. TSNs are the wire values (unsigned 32 bits held in an int).
 *
 * @param state                 association state when taken
 * @param packetsReceived       packets given to onPacket
 * @param packetsSent           packets handed to the output
 * @param badChecksums          packets dropped for a CRC32c mismatch
 * @param malformedPackets      packets dropped as unparseable (other {@link SctpParseResult}s)
 * @param badVerificationTags   packets dropped for a wrong verification tag (RFC 4960 §8.5)
 * @param unknownChunks         chunks of an unknown type (handled per their upper two bits)
 * @param dataChunksSent        DATA chunks put on the wire, retransmissions included
 * @param dataChunksReceived    DATA chunks received, duplicates included
 * @param duplicateTsns         DATA chunks received again
 * @param outOfWindowTsns       DATA chunks dropped beyond the receive window
 * @param retransmissions       DATA chunks sent again
 * @param fastRetransmits       chunks marked by three missing reports
 * @param retransmitTimeouts    T3-rtx expiries
 * @param staleSacks            SACKs ignored as older than the current cumulative ack
 * @param abandonedMessages     messages given up by partial reliability
 * @param forwardTsnsSent       FORWARD TSN chunks sent
 * @param forwardTsnsReceived   FORWARD TSN chunks received
 * @param messagesSent          messages accepted by send
 * @param messagesDelivered     messages handed to the listener
 * @param heartbeatsSent        HEARTBEATs sent
 * @param heartbeatAcksReceived HEARTBEAT ACKs received
 * @param localCumulativeTsn    highest TSN received in sequence from the peer (moved by DATA and FORWARD TSN)
 * @param peerCumulativeTsnAck  highest TSN of ours the peer acknowledged cumulatively
 * @param lastAssignedTsn       the last TSN we assigned
 * @param rtoMillis             current retransmission timeout
 * @param cwndBytes             congestion window
 * @param bufferedBytes         user bytes queued or unacknowledged
 */
public record SctpStats(SctpState state, long packetsReceived, long packetsSent, long badChecksums,
        long malformedPackets, long badVerificationTags, long unknownChunks, long dataChunksSent,
        long dataChunksReceived, long duplicateTsns, long outOfWindowTsns, long retransmissions, long fastRetransmits,
        long retransmitTimeouts, long staleSacks, long abandonedMessages, long forwardTsnsSent,
        long forwardTsnsReceived, long messagesSent, long messagesDelivered, long heartbeatsSent,
        long heartbeatAcksReceived, int localCumulativeTsn, int peerCumulativeTsnAck, int lastAssignedTsn,
        long rtoMillis, long cwndBytes, long bufferedBytes) {
}
