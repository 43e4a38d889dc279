package dev.gateway.sip.signalling;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;

/**
 * The RI's parser, with one fix: the stack puts a parse error's message into the reason phrase of its automatic
 * {@code 400 Bad Request}, and those messages contain line breaks ("CSeq: abc INVITE\n:Number format exception"),
 * which would split the status line and corrupt the response. Here they are folded onto one line.
 * Thread-safe as the wrapped factory is.
 */
public final class OneLineParseErrors implements MessageParserFactory {
    private final MessageParserFactory delegate = new StringMsgParserFactory();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = delegate.createMessageParser(stack);
        return (bytes, readBody, strict, listener) -> parse(parser, bytes, readBody, strict, listener);
    }

    private static SIPMessage parse(MessageParser parser, byte[] bytes, boolean readBody, boolean strict,
                                    ParseExceptionListener listener) throws ParseException {
        try {
            return parser.parseSIPMessage(bytes, readBody, strict, listener);
        } catch (ParseException e) {
            String oneLine = String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+:?", " ").strip();
            ParseException folded = new ParseException(oneLine, e.getErrorOffset());
            folded.initCause(e);
            throw folded;
        }
    }
}
