package dev.gateway.media.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DtmfDigitTest {

    @Test
    void mapsEveryDtmfEventBothWays() {
        String digits = "0123456789*#ABCD";
        for (int event = 0; event < 16; event++) {
            char c = digits.charAt(event);
            assertEquals(c, DtmfDigit.toChar(event));
            assertEquals(event, DtmfDigit.toEvent(c));
            assertTrue(DtmfDigit.isValid(c));
        }
    }

    @Test
    void acceptsLowerCaseLetters() {
        assertEquals(12, DtmfDigit.toEvent('a'));
        assertEquals(13, DtmfDigit.toEvent('b'));
        assertEquals(14, DtmfDigit.toEvent('c'));
        assertEquals(15, DtmfDigit.toEvent('d'));
    }

    @Test
    void rejectsOthers() {
        for (char c : new char[] {'E', 'e', 'x', ' ', '+', '/', ':', 0}) {
            assertEquals(-1, DtmfDigit.toEvent(c));
            assertFalse(DtmfDigit.isValid(c));
        }
        assertEquals(0, DtmfDigit.toChar(-1));
        assertEquals(0, DtmfDigit.toChar(16));
        assertEquals(0, DtmfDigit.toChar(255));
    }
}
