package dev.gateway.sip.signalling;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a guarded TCP or TLS channel adds to the RI's own: a {@link SipStreamGuard} in front of the parser, whose
 * verdict is reported once per source and interval ({@link TransportAbuse}), and the connection's slot in
 * {@link AcceptedConnections} given back exactly once, whoever closes it (peer, idle auditor, guard).
 *
 * <p>Threading: {@link #check} on the selector thread only; {@link #closed} from any thread.
 */
final class GuardedConnection {
    private final AcceptedConnections accepted;
    private final InetAddress source;
    private final SipStreamGuard guard;
    private final AtomicBoolean released = new AtomicBoolean();

    GuardedConnection(AcceptedConnections accepted, InetAddress source, SipStreamGuard guard) {
        this.accepted = accepted;
        this.source = source;
        this.guard = guard;
    }

    /**
     * Checks the bytes the parser is about to get.
     *
     * @throws SipStreamException for a stream that is not SIP; the RI's reader closes the connection on it
     */
    void check(byte[] bytes) throws SipStreamException {
        try {
            guard.check(bytes, 0, bytes.length);
        } catch (SipStreamException e) {
            accepted.abuse().report(TransportAbuse.Kind.BAD_STREAM, source.getHostAddress(), e.getMessage());
            throw e;
        }
    }

    /** The channel has closed: its slot goes back (once). */
    void closed() {
        if (released.compareAndSet(false, true)) {
            accepted.release(source);
        }
    }
}
