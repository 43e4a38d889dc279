package dev.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VoicemailResultTest {

    @Test
    void aDecisionThenItsBeepAsAttributesAndJson() {
        VoicemailResult d = VoicemailResult.decided("machine", "long_greeting", 1840);
        assertEquals(Map.of("sip.amd", "machine", "sip.amdReason", "long_greeting"), d.attributes());
        assertEquals("{\"result\":\"machine\",\"reason\":\"long_greeting\",\"decision_ms\":1840,\"beep\":null,"
                + "\"beep_end_ms\":null}", d.json());
        VoicemailResult b = d.withBeep(9120);
        assertEquals(Map.of("sip.amd", "machine", "sip.amdReason", "long_greeting", "sip.amdBeep", "true"),
                b.attributes());
        assertEquals("{\"result\":\"machine\",\"reason\":\"long_greeting\",\"decision_ms\":1840,\"beep\":\"true\","
                + "\"beep_end_ms\":9120}", b.json());
        assertEquals("timeout", d.withBeepTimeout().attributes().get("sip.amdBeep"));
        assertEquals("machine/long_greeting after 1840 ms, beep ended at 9120 ms", b.toString());
    }

    @Test
    void jsonCannotBeBrokenByOddWords() {
        assertEquals("{\"result\":\"a__b\",\"reason\":\"x_y\",\"decision_ms\":1,\"beep\":null,\"beep_end_ms\":null}",
                VoicemailResult.decided("a\"}b", "x y", 1).json());
    }
}
