package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import javax.sip.SipFactory;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContactCheckTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"<tel:+15550001111>", "<urn:service:sos>", "<http://192.0.2.1/x>", "tel:911"})
    void unusableUrisAreRefusedWithOnePhrase(String contact) throws Exception {
        assertEquals(ContactCheck.NOT_SIP, ContactCheck.problem(invite("Contact: " + contact + "\r\n")));
    }

    /** The parser drops a SIP URI without host (it cannot read it), so the INVITE has no Contact left. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"<sip:alice@>", "<sips:>"})
    void sipUrisWithoutHostAreRefused(String contact) throws Exception {
        assertEquals(ContactCheck.MISSING, ContactCheck.problem(invite("Contact: " + contact + "\r\n")));
    }

    @Test
    void wildcardIsRefused() throws Exception {
        assertEquals("Contact '*' is only allowed in REGISTER", ContactCheck.problem(invite("Contact: *\r\n")));
    }

    @Test
    void missingContactIsRefused() throws Exception {
        assertEquals(ContactCheck.MISSING, ContactCheck.problem(invite("")));
    }

    @Test
    void twoContactsAreRefused() throws Exception {
        assertEquals("INVITE must have exactly one Contact", ContactCheck.problem(
                invite("Contact: <sip:a@192.0.2.1>\r\nContact: <sip:b@192.0.2.2>\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"<sip:alice@192.0.2.1:5060>", "<sips:alice@pbx.example.com;transport=tls>",
            "sip:192.0.2.1", "\"Alice\" <sip:alice@[2001:db8::1]>"})
    void sipUrisWithAHostPass(String contact) throws Exception {
        assertNull(ContactCheck.problem(invite("Contact: " + contact + "\r\n")));
    }

    private static Request invite(String contactLines) throws Exception {
        String text = "INVITE sip:+15550002222@gw.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:+15550001111@192.0.2.1>;tag=f1\r\n"
                + "To: <sip:+15550002222@gw.example.com>\r\n"
                + "Call-ID: contact-check@192.0.2.1\r\n"
                + "CSeq: 1 INVITE\r\n"
                + contactLines
                + "Content-Length: 0\r\n\r\n";
        return SipFactory.getInstance().createMessageFactory().createRequest(text);
    }
}
