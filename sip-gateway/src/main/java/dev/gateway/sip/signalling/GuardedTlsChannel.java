package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted SIP/TLS connection: the RI's channel with a {@link SipStreamGuard} on the decrypted stream and its
 * {@link AcceptedConnections} slot given back when it closes. Threading as {@link GuardedTcpChannel}.
 */
final class GuardedTlsChannel extends NioTlsMessageChannel {
    private final AcceptedConnections accepted;
    private final InetAddress source;
    private final SipStreamGuard guard;
    private final AtomicBoolean released = new AtomicBoolean();

    GuardedTlsChannel(GuardedTlsProcessor owner, SocketChannel client, InetAddress source, SipStreamGuard guard,
                      AcceptedConnections accepted) throws IOException {
        super(owner, client);
        this.accepted = accepted;
        this.source = source;
        this.guard = guard;
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
        try {
            guard.check(bytes, 0, bytes.length);
        } catch (SipStreamException e) {
            accepted.abuse().report(TransportAbuse.Kind.BAD_STREAM, source.getHostAddress(), e.getMessage());
            throw e; // the RI's reader closes the connection on any exception from here
        }
        super.addPlaintextBytes(bytes);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
        super.close(removeSocket, stopKeepAliveTask);
        if (released.compareAndSet(false, true)) {
            accepted.release(source);
        }
    }
}
