package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * The RI's NIO TLS transport (RFC 3261 §26.2.1, SIP over TLS on its own port) with the same caps, idle sweep and
 * stream guard as {@link GuardedTcpProcessor}; the guard sees the decrypted bytes ({@link GuardedTlsChannel}).
 * Keys and protocols come from {@link PemKeyManagers} and the stack's TLS properties ({@link SipStackSettings}).
 *
 * <p>Thread-safe: {@link #createMessageChannel(NioTcpMessageProcessor, SocketChannel)} runs on the selector thread.
 */
final class GuardedTlsProcessor extends NioTlsMessageProcessor {
    private final AcceptedConnections accepted;
    private final int maxMessageBytes;

    GuardedTlsProcessor(InetAddress address, SIPTransactionStack stack, int port, AcceptedConnections accepted,
                        int maxMessageBytes) {
        super(address, stack, port);
        this.accepted = accepted;
        this.maxMessageBytes = maxMessageBytes;
        nioHandler = KeptConnectionsNioHandler.install(nioHandler, stack, this);
        GuardedTcpProcessor.LockedChannelMap.install(nioHandler);
    }

    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client)
            throws IOException {
        return accepted.accept(nioHandler, client, source -> new GuardedTlsChannel(this, client,
                new GuardedConnection(accepted, source, new SipStreamGuard(maxMessageBytes, maxMessageBytes))));
    }
}
