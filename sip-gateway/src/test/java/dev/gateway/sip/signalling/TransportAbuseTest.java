package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransportAbuseTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final TransportAbuse abuse = new TransportAbuse(now::get);

    @Test
    void oneLinePerSourceAndIntervalEveryEventCounted() {
        assertTrue(abuse.report(TransportAbuse.Kind.BAD_STREAM, "127.0.0.2", "x"));
        for (int i = 0; i < 100; i++) {
            assertFalse(abuse.report(TransportAbuse.Kind.BAD_STREAM, "127.0.0.2", "x"));
        }
        assertTrue(abuse.report(TransportAbuse.Kind.REFUSED_CONNECTION, "127.0.0.3", "cap"), "another source has its own line");
        now.addAndGet(TransportAbuse.LOG_INTERVAL_SECONDS * SECOND - 1);
        assertFalse(abuse.report(TransportAbuse.Kind.BAD_STREAM, "127.0.0.2", "x"));
        now.addAndGet(1);
        assertTrue(abuse.report(TransportAbuse.Kind.BAD_DATAGRAM, "127.0.0.2", "x"));
        assertEquals(102, abuse.badStreams());
        assertEquals(1, abuse.refusedConnections());
        assertEquals(1, abuse.badDatagrams());
    }

    @Test
    void aReasonCarryingThePeersBytesIsPrintedAsAscii() {
        assertEquals("CSeq: ?? abc", TransportAbuse.printable("CSeq: \u00ff\n abc"));
        assertEquals("x".repeat(120) + "...", TransportAbuse.printable("x".repeat(500)));
    }

    @Test
    void sourcesPastTheBoundShareOneLine() {
        for (int i = 0; i < TransportAbuse.MAX_SOURCES; i++) {
            assertTrue(abuse.report(TransportAbuse.Kind.BAD_DATAGRAM, "10.0." + (i >> 8) + "." + (i & 255), "x"));
        }
        assertTrue(abuse.report(TransportAbuse.Kind.BAD_DATAGRAM, "10.99.0.1", "x"));
        assertFalse(abuse.report(TransportAbuse.Kind.BAD_DATAGRAM, "10.99.0.2", "x"), "shares the line of 10.99.0.1");
        now.addAndGet(TransportAbuse.LOG_INTERVAL_SECONDS * SECOND);
        assertTrue(abuse.report(TransportAbuse.Kind.BAD_DATAGRAM, "10.99.0.3", "x"), "expired sources make room");
    }
}
