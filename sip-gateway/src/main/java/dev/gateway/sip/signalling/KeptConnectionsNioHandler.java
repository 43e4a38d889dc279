package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * JAIN-SIP RI 1.3.0-91's NIO connection table with one fix: a connection it opens is kept for the messages that
 * follow. {@code NIOHandler.openOutgoingConnection} never marks a connect as done, so its {@code finally} block
 * drops every new connection from the table right after opening it; the next send then opens a second connection.
 * Over TLS that splits one handshake across two sockets (the channel reads the first, the handshake's next record
 * leaves on the second), and no outbound TLS request (INVITE to a trunk, BYE to a phone's Contact) ever arrives;
 * over TCP every new outbound connection leaves an idle twin behind.
 *
 * <p>Thread-safe as its base: the table is a concurrent map guarded per key.
 */
final class KeptConnectionsNioHandler extends NIOHandler {

    KeptConnectionsNioHandler(SIPTransactionStack stack, NioTcpMessageProcessor processor) {
        super(stack, processor);
    }

    /** Replaces {@code processor}'s handler, made by its constructor, before anything is open. */
    static NIOHandler install(NIOHandler made, SIPTransactionStack stack, NioTcpMessageProcessor processor) {
        made.stop();
        return new KeptConnectionsNioHandler(stack, processor);
    }

    @Override
    public SocketChannel createOrReuseSocket(InetAddress address, int port) throws IOException {
        SocketChannel channel = super.createOrReuseSocket(address, port);
        if (channel != null && channel.isOpen()) {
            putSocket(makeKey(address, port), channel); // what the base class meant to keep
        }
        return channel;
    }
}
