package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SignalWarmupTest {

    @Test
    void brokenSignatureKeepsHeaderAndClaimsAndChangesOneSignatureCharacter() {
        String jwt = new Tokens("devkey", "secret").participant("warm-up", "warm-up").toJwt();
        String broken = SignalWarmup.brokenSignature(jwt);
        int dot = jwt.lastIndexOf('.');
        assertEquals(jwt.substring(0, dot + 1), broken.substring(0, dot + 1));
        assertEquals(jwt.length(), broken.length());
        assertNotEquals(jwt.charAt(dot + 1), broken.charAt(dot + 1));
        assertEquals(jwt.substring(dot + 2), broken.substring(dot + 2));
    }

    @Test
    void aSignatureStartingWithAIsChangedToB() {
        assertEquals("h.p.Bxyz", SignalWarmup.brokenSignature("h.p.Axyz"));
        assertEquals("h.p.Axyz", SignalWarmup.brokenSignature("h.p.Qxyz"));
    }
}
