package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import org.junit.jupiter.api.Test;

class GuardedMessageParsersTest {
    private final MessageParser parser = new GuardedMessageParsers().createMessageParser(null);

    private static byte[] request(String via, String... dropped) {
        StringBuilder b = new StringBuilder("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n");
        String[][] headers = {{"Via", via}, {"From", "<sip:b@c>;tag=1"}, {"To", "<sip:a@d>"}, {"Call-ID", "x@y"},
                {"CSeq", "1 OPTIONS"}, {"Content-Length", "0"}};
        for (String[] h : headers) {
            if (!java.util.List.of(dropped).contains(h[0])) {
                b.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAChannelTheViaIsLeftAsSent() throws ParseException {
        // over TCP the RI parses with no listener, and answers on the connection whatever the Via says
        SIPMessage m = parser.parseSIPMessage(request("SIP/2.0/TCP 127.0.0.9:5070;branch=z9hG4bK1;maddr=10.0.0.1"),
                true, false, null);
        Via via = m.getTopmostVia();
        assertEquals("TCP", via.getTransport());
        assertEquals("10.0.0.1", via.getMAddr());
        assertFalse(via.hasParameter(Via.RPORT));
    }

    @Test
    void aUdpRequestIsAnsweredToItsSourceWhateverItsViaSays() throws ParseException {
        SIPMessage m = parser.parseSIPMessage(request("SIP/2.0/TCP 127.0.0.9:5070;branch=z9hG4bK1;maddr=10.0.0.1"),
                true, false, null);
        Via via = m.getTopmostVia();
        GuardedMessageParsers.answerToSource(via);
        assertEquals("UDP", via.getTransport());
        assertNull(via.getMAddr());
        assertTrue(via.hasParameter(Via.RPORT)); // the stack fills rport and received in from the packet
        assertEquals("z9hG4bK1", via.getBranch());
        assertEquals("127.0.0.9", via.getHost());
    }

    @Test
    void missingMandatoryHeadersAreParseErrors() {
        for (String header : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
            ParseException e = assertThrows(ParseException.class,
                    () -> parser.parseSIPMessage(request("SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1", header), true, false, null));
            assertEquals("no " + header + " header", e.getMessage());
        }
    }

    @Test
    void parseErrorsAreFoldedOntoOneLine() {
        byte[] bad = new String(request("SIP/2.0/UDP h;branch=z9hG4bK1"), StandardCharsets.UTF_8)
                .replace("CSeq: 1 OPTIONS", "CSeq: abc OPTIONS").getBytes(StandardCharsets.UTF_8);
        ParseException e = assertThrows(ParseException.class, () -> parser.parseSIPMessage(bad, true, false, null));
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        assertTrue(e.getMessage().contains("CSeq"), e.getMessage());
    }
}
