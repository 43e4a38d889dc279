package dev.gateway.sip.tls;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import javax.sip.ListeningPoint;

/**
 * The RI's NIO transports (its {@code MESSAGE_PROCESSOR_FACTORY}), with the TLS one keeping the connections it
 * opens ({@link KeptConnectionsNioHandler}). Stateless; the stack calls it while creating listening points.
 */
public final class SipTlsProcessorFactory extends NioMessageProcessorFactory {

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        if (!transport.equalsIgnoreCase(ListeningPoint.TLS)) {
            return super.createMessageProcessor(stack, address, port, transport);
        }
        return new KeptConnectionsTlsProcessor(address, stack, port);
    }

    private static final class KeptConnectionsTlsProcessor extends NioTlsMessageProcessor {
        KeptConnectionsTlsProcessor(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
            nioHandler.stop(); // the base's table, never used: nothing is open yet
            nioHandler = new KeptConnectionsNioHandler(stack, this);
        }
    }
}
