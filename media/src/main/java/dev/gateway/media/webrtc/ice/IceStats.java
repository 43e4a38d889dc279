package dev.gateway.media.webrtc.ice;

/**
 * Snapshot of an {@link IceAgent}'s counters. Immutable.
 *
 * @param requestsReceived  authenticated Binding requests answered with success
 * @param responsesReceived authenticated responses matched to our transactions
 * @param checksSent        Binding requests started (not counting retransmissions)
 * @param retransmits       Binding request retransmissions
 * @param malformed         datagrams that did not decode as STUN or failed FINGERPRINT
 * @param unauthenticated   requests answered 400/401, and responses dropped for bad MESSAGE-INTEGRITY
 * @param unknownTransaction responses that matched no outstanding transaction
 * @param roleConflicts     role conflicts detected (487 sent or received, or a role switch)
 */
public record IceStats(long requestsReceived, long responsesReceived, long checksSent, long retransmits,
                       long malformed, long unauthenticated, long unknownTransaction, long roleConflicts) {
}
