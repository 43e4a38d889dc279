package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JulStackLoggerTest {

    @Test
    void aLineIsOneShortLineWithTheExceptionButNoStack() {
        byte[] buffer = new byte[65536];
        String message = "Error while processing incoming UDP packet" + Arrays.toString(buffer);
        String line = JulStackLogger.line(message, new NullPointerException("no CSeq\n(second line)"));
        assertEquals(JulStackLogger.MAX_LINE_CHARS + 3, line.length());
        assertTrue(line.startsWith("Error while processing incoming UDP packet[0, 0,"), line);
        assertTrue(JulStackLogger.line("Problem", new IllegalStateException("a\nb")).endsWith("IllegalStateException: a b"));
    }

    @Test
    void messagesDifferingInNumbersAreOneKind() {
        assertEquals(JulStackLogger.kindOf("Problem connecting 10.0.0.1 5060"),
                JulStackLogger.kindOf("Problem connecting 10.0.0.27 5999"));
        assertEquals(JulStackLogger.kindOf("Error while processing incoming UDP packet[1, 2, 3]"),
                JulStackLogger.kindOf("Error while processing incoming UDP packet[7, 8, 9]"));
    }
}
