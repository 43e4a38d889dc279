package dev.gateway.sip.signalling;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;
import javax.sip.ListeningPoint;

/**
 * The RI's parser ({@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}) with three fixes, applied before the stack
 * acts on a message:
 * <ul>
 *   <li>A parse error's message goes into the reason phrase of the stack's automatic {@code 400}, and those
 *       messages contain line breaks ("CSeq: abc INVITE\n:Number format exception") that would split the status
 *       line: they are folded onto one line.</li>
 *   <li>A message without Via, From, To, Call-ID or CSeq is a parse error (RFC 3261 §8.1.1): the RI would go on
 *       and fail with a {@link NullPointerException} that it logs with the whole datagram's buffer.</li>
 *   <li>A request that came over UDP gets its response over UDP to the datagram's source: the top Via's transport
 *       is set to UDP, {@code maddr} is removed and {@code rport} is added (RFC 3581), so the stack fills in
 *       {@code received} and {@code rport} from the packet. Otherwise a forged {@code Via: SIP/2.0/TCP host:port}
 *       or {@code maddr} makes the gateway connect or send to any address an unauthenticated message names.
 *       (Over TCP the stack answers on the connection the request came on, whatever the Via says.)</li>
 * </ul>
 * Thread-safe as the wrapped factory is.
 */
public final class GuardedMessageParsers implements MessageParserFactory {
    private final MessageParserFactory delegate = new StringMsgParserFactory();
    private final TransportAbuse abuse = new TransportAbuse(System::nanoTime);

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = delegate.createMessageParser(stack);
        return (bytes, readBody, strict, listener) -> parse(parser, bytes, readBody, strict, listener);
    }

    private SIPMessage parse(MessageParser parser, byte[] bytes, boolean readBody, boolean strict,
                             ParseExceptionListener listener) throws ParseException {
        try {
            return check(parser.parseSIPMessage(bytes, readBody, strict, listener), listener);
        } catch (ParseException e) {
            String oneLine = String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+:?", " ").strip();
            if (listener instanceof MessageChannel channel) { // UDP; over TCP the stream guard reports
                abuse.report(TransportAbuse.Kind.BAD_DATAGRAM, channel.getPeerAddress(), oneLine);
            }
            ParseException folded = new ParseException(oneLine, e.getErrorOffset());
            folded.initCause(e);
            throw folded;
        }
    }

    /** Datagrams that failed to parse, since start. */
    long badDatagrams() {
        return abuse.badDatagrams();
    }

    private static SIPMessage check(SIPMessage message, ParseExceptionListener listener) throws ParseException {
        if (message == null) {
            return null; // a keep-alive
        }
        String missing = missingMandatoryHeader(message);
        if (missing != null) {
            throw new ParseException("no " + missing + " header", 0);
        }
        if (message instanceof SIPRequest && listener instanceof MessageChannel channel
                && ListeningPoint.UDP.equalsIgnoreCase(channel.getTransport())) {
            answerToSource(message.getTopmostVia());
        }
        return message;
    }

    private static String missingMandatoryHeader(SIPMessage m) {
        if (m.getTopmostVia() == null) {
            return "Via";
        } else if (m.getFrom() == null) {
            return "From";
        } else if (m.getTo() == null) {
            return "To";
        } else if (m.getCallId() == null) {
            return "Call-ID";
        } else if (m.getCSeq() == null) {
            return "CSeq";
        }
        return null;
    }

    static void answerToSource(Via via) throws ParseException {
        if (!ListeningPoint.UDP.equalsIgnoreCase(via.getTransport())) {
            via.setTransport(ListeningPoint.UDP);
        }
        via.removeParameter("maddr");
        if (!via.hasParameter(Via.RPORT)) {
            via.setRPort();
        }
    }
}
