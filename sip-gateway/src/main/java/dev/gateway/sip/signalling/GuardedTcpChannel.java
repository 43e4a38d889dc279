package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted SIP/TCP connection: the RI's channel with a {@link SipStreamGuard} in front of its parser (a bad
 * stream closes the connection, as the RI does on its own read errors) and its slot in
 * {@link AcceptedConnections} given back when it closes, whoever closes it (peer, idle auditor, guard).
 *
 * <p>Threading: bytes arrive on the selector thread only; {@link #close(boolean, boolean)} may run on any thread.
 */
final class GuardedTcpChannel extends NioTcpMessageChannel {
    private final AcceptedConnections accepted;
    private final InetAddress source;
    private final SipStreamGuard guard;
    private final AtomicBoolean released = new AtomicBoolean();

    GuardedTcpChannel(GuardedTcpProcessor owner, SocketChannel client, InetAddress source, SipStreamGuard guard,
                      AcceptedConnections accepted) throws IOException {
        super(owner, client);
        this.accepted = accepted;
        this.source = source;
        this.guard = guard;
        this.messageProcessor = owner; // what the RI's own accept path sets after construction
        this.myClientInputStream = client.socket().getInputStream();
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
        try {
            guard.check(bytes, 0, bytes.length);
        } catch (SipStreamException e) {
            accepted.abuse().report(TransportAbuse.Kind.BAD_STREAM, source.getHostAddress(), e.getMessage());
            throw e; // the RI's reader closes the connection on any exception from here
        }
        super.addBytes(bytes);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
        super.close(removeSocket, stopKeepAliveTask);
        if (released.compareAndSet(false, true)) {
            accepted.release(source);
        }
    }
}
