package dev.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"sip:+15550001111@pbx.example.com", "sips:alice@192.0.2.5:5061;transport=tls",
            "sip:[2001:db8::1]:5060", "sip:queue@sip.example.com?X-Reason=busy", "tel:+15550001111",
            "tel:555-0100;phone-context=example.com", "SIP:bob@example.com"})
    void acceptsSipWithAHostAndTelNumbers(String target) {
        assertNull(TransferTarget.problem(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://example.com", "sip:", "sip:bob@", "tel:", "tel:abc",
            "sip:bob@example.com\r\nX-Injected: 1", "tel:+1555\n", "sip:bob@exa mple.com", "sip:bob@example.com\u0000",
            "sip:\u007fbob@example.com"})
    void refusesOtherSchemesEmptyPartsAndControlCharacters(String target) {
        assertNotNull(TransferTarget.problem(target));
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongTargets() {
        assertNotNull(TransferTarget.problem("sip:" + "a".repeat(300) + "@example.com"));
        assertNull(TransferTarget.problem(null) == null ? "null needs a reason" : null);
    }
}
