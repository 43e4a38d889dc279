package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * One accepted SIP/TCP connection: the RI's channel with a {@link SipStreamGuard} in front of its parser (a bad
 * stream closes the connection, as the RI does on its own read errors) and its slot in
 * {@link AcceptedConnections} given back when it closes, whoever closes it (peer, idle auditor, guard).
 *
 * <p>Threading: bytes arrive on the selector thread only; {@link #close(boolean, boolean)} may run on any thread.
 */
final class GuardedTcpChannel extends NioTcpMessageChannel {
    private final GuardedConnection connection;

    GuardedTcpChannel(GuardedTcpProcessor owner, SocketChannel client, GuardedConnection connection)
            throws IOException {
        super(owner, client);
        this.connection = connection;
        this.messageProcessor = owner; // what the RI's own accept path sets after construction
        this.myClientInputStream = client.socket().getInputStream();
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
        connection.check(bytes); // throws for bad SIP: the RI's reader closes the connection on it
        super.addBytes(bytes);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
        super.close(removeSocket, stopKeepAliveTask);
        connection.closed();
    }
}
