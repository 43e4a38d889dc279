package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SipMessageCountsTest {
    @Test
    void countsByMethodAndCodeWithUnknownsFolded() {
        SipMessageCounts c = new SipMessageCounts();
        c.requestReceived("INVITE");
        c.requestReceived("INVITE");
        c.requestReceived("FOO"); // any other method: OTHER
        c.requestReceived(null);
        c.responseSent("INVITE", 100);
        c.responseSent("INVITE", 200);
        c.responseSent("INVITE", 200);
        c.responseSent("BYE", 999); // out of range: code 0
        c.responseReceived("BYE", 200);
        assertEquals(2, c.requests("INVITE"));
        assertEquals(2, c.requests("OTHER"));
        assertEquals(2, c.requests("WHATEVER"));
        List<String> sent = new ArrayList<>();
        c.forEachSent((m, code, n) -> sent.add(m + " " + code + " " + n));
        assertEquals(List.of("INVITE 100 1", "INVITE 200 2", "BYE 0 1"), sent);
        List<String> received = new ArrayList<>();
        c.forEachReceived((m, code, n) -> received.add(m + " " + code + " " + n));
        assertEquals(List.of("BYE 200 1"), received);
        List<String> requests = new ArrayList<>();
        c.forEachRequest((m, n) -> requests.add(m + " " + n));
        assertEquals(List.of("INVITE 2", "OTHER 2"), requests);
    }
}
