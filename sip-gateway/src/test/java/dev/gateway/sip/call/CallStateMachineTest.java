package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CallStateMachineTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"RINGING,ANSWERED", "ANSWERED,ACTIVE", "ACTIVE,ENDING", "ENDING,ENDED", "DIALING,RINGING",
            "DIALING,ACTIVE", "RINGING,ACTIVE", "RINGING,ENDED", "DIALING,ENDED", "ANSWERED,ENDING"})
    void legalMoves(CallState from, CallState to) {
        assertTrue(CallStateMachine.legal(from, to));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"ACTIVE,RINGING", "ACTIVE,ANSWERED", "ENDING,ACTIVE", "ANSWERED,RINGING", "RINGING,DIALING",
            "ENDED,ENDING", "ENDED,ACTIVE"})
    void illegalMoves(CallState from, CallState to) {
        assertFalse(CallStateMachine.legal(from, to));
        CallStateMachine m = new CallStateMachine(from, () -> 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.to(to));
        assertEquals("illegal call state change " + from.wireName() + " -> " + to.wireName(), e.getMessage());
        assertEquals(from, m.state(), "an illegal move changes nothing");
    }

    @ParameterizedTest
    @EnumSource(value = CallState.class, names = "ENDED", mode = EnumSource.Mode.EXCLUDE)
    void everyStateMayEnd(CallState from) {
        assertTrue(CallStateMachine.legal(from, CallState.ENDED));
    }

    @Test
    void remembersWhenEachStateWasEntered() {
        AtomicLong clock = new AtomicLong(1_000);
        CallStateMachine m = new CallStateMachine(CallState.RINGING, clock::get);
        assertEquals(1_000, m.sinceMillis());
        assertTrue(m.unanswered());
        clock.set(4_000);
        m.to(CallState.ANSWERED);
        assertEquals(4_000, m.sinceMillis());
        assertFalse(m.unanswered());
        assertFalse(m.over());
        clock.set(9_000);
        m.to(CallState.ACTIVE);
        m.to(CallState.ENDING);
        assertTrue(m.over());
        assertEquals(9_000, m.sinceMillis());
    }
}
