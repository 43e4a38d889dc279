package dev.gateway.media.webrtc.ice;

import io.netty.buffer.ByteBuf;

/**
 * One outstanding Binding request of an {@link IceAgent}: a connectivity check, a nominating check or a consent
 * check. Holds the encoded request (released by {@link IceTransactions} when the transaction ends) for
 * retransmission. Confined to the agent's loop.
 */
final class IceTransaction {

    final byte[] id;
    final IcePair pair;
    /** The request carried USE-CANDIDATE. */
    final boolean useCandidate;
    /** The role the request claimed; a 487 only switches roles if we still have it (RFC 8445 §7.2.5.1). */
    final IceRole roleAtSend;
    /** A consent freshness check (RFC 7675) rather than a connectivity check. */
    final boolean consent;
    final ByteBuf encoded;
    int sends;
    long rtoNanos;
    long nextSendNanos;

    IceTransaction(byte[] id, IcePair pair, boolean useCandidate, IceRole roleAtSend, boolean consent,
                   ByteBuf encoded) {
        this.id = id;
        this.pair = pair;
        this.useCandidate = useCandidate;
        this.roleAtSend = roleAtSend;
        this.consent = consent;
        this.encoded = encoded;
    }
}
