package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * One accepted SIP/TLS connection: the RI's channel with a {@link SipStreamGuard} on the decrypted stream and its
 * {@link AcceptedConnections} slot given back when it closes. Threading as {@link GuardedTcpChannel}.
 */
final class GuardedTlsChannel extends NioTlsMessageChannel {
    private final GuardedConnection connection;

    GuardedTlsChannel(GuardedTlsProcessor owner, SocketChannel client, GuardedConnection connection)
            throws IOException {
        super(owner, client);
        this.connection = connection;
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
        connection.check(bytes); // throws for bad SIP: the RI's reader closes the connection on it
        super.addPlaintextBytes(bytes);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
        super.close(removeSocket, stopKeepAliveTask);
        connection.closed();
    }
}
