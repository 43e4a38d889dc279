package dev.gateway.sip.signalling;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Properties;
import javax.sip.ListeningPoint;

/**
 * The stack's transports ({@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}): TCP is {@link GuardedTcpProcessor},
 * TLS {@link GuardedTlsProcessor} (both share one {@link AcceptedConnections}), the rest is the RI's NIO factory.
 * The RI creates this class by name, so its settings come from the stack's properties ({@link #TCP_IDLE_SECONDS}
 * and the others, written by {@link SipStackSettings}).
 *
 * <p>Thread-safe: the RI creates the listening points one at a time, on the owner's thread.
 */
public final class GuardedTransports implements MessageProcessorFactory {
    static final String TCP_IDLE_SECONDS = "dev.gateway.sip.TCP_IDLE_SECONDS";
    static final String TCP_MAX_PER_SOURCE = "dev.gateway.sip.TCP_MAX_CONNECTIONS_PER_SOURCE";
    static final String TCP_MAX = "dev.gateway.sip.TCP_MAX_CONNECTIONS";
    static final String MAX_MESSAGE_SIZE = "gov.nist.javax.sip.MAX_MESSAGE_SIZE";

    private final MessageProcessorFactory others = new NioMessageProcessorFactory();
    private AcceptedConnections accepted;

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        boolean tcp = transport.equalsIgnoreCase(ListeningPoint.TCP);
        if (!tcp && !transport.equalsIgnoreCase(ListeningPoint.TLS)) {
            return others.createMessageProcessor(stack, address, port, transport);
        }
        Properties p = ((SipStackImpl) stack).getConfigurationProperties();
        if (accepted == null) {
            accepted = new AcceptedConnections(new TcpLimits(Integer.parseInt(p.getProperty(TCP_IDLE_SECONDS)),
                    Integer.parseInt(p.getProperty(TCP_MAX_PER_SOURCE)), Integer.parseInt(p.getProperty(TCP_MAX))),
                    new TransportAbuse(System::nanoTime));
        }
        int maxMessageBytes = Integer.parseInt(p.getProperty(MAX_MESSAGE_SIZE));
        return tcp ? new GuardedTcpProcessor(address, stack, port, accepted, maxMessageBytes)
                : new GuardedTlsProcessor(address, stack, port, accepted, maxMessageBytes);
    }
}
