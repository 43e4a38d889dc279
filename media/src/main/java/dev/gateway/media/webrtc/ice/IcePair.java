package dev.gateway.media.webrtc.ice;

import java.net.InetSocketAddress;

/**
 * A candidate pair (RFC 8445 §6.1.2). The local side is always the socket's single host candidate, so a pair is
 * identified by its remote address. Mutable state of an {@link IceAgent}; confined to the agent's loop.
 */
final class IcePair {

    /** RFC 8445 §6.1.2.6 pair states; FROZEN is not needed with a single local candidate. */
    enum State { WAITING, IN_PROGRESS, SUCCEEDED, FAILED }

    final InetSocketAddress remote;
    /** Priority of the remote candidate (unsigned 32-bit). */
    final long remotePriority;
    /** RFC 8445 §6.1.2.3 pair priority, for ordering checks. */
    final long pairPriority;
    State state = State.WAITING;
    /** CONTROLLED: the peer sent USE-CANDIDATE on this pair. */
    boolean nominatedByPeer;

    IcePair(InetSocketAddress remote, long remotePriority, long localPriority, IceRole role) {
        this.remote = remote;
        this.remotePriority = remotePriority;
        this.pairPriority = pairPriority(localPriority, remotePriority, role);
    }

    /** True once a check on this pair got an authenticated success response (the pair is in the valid list). */
    boolean valid() {
        return state == State.SUCCEEDED;
    }

    /** 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), G the controlling side's priority (RFC 8445 §6.1.2.3). */
    static long pairPriority(long local, long remote, IceRole role) {
        long g = role == IceRole.CONTROLLING ? local : remote;
        long d = role == IceRole.CONTROLLING ? remote : local;
        return (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }

    @Override
    public String toString() {
        return remote + "/" + state;
    }
}
