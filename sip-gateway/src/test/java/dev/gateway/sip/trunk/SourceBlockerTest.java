package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceBlockerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final InetAddress A = address(192, 0, 2, 1);
    private static final InetAddress B = address(192, 0, 2, 2);

    @Test
    void theRequestThatOverspendsStartsOneBlockThatRefusesEverythingUntilItEnds() {
        SourceBlocker blocker = new SourceBlocker(5, 60 * SECOND, 100);
        long t = 1_000 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(A, t), "request " + i + " of the burst");
        }
        assertEquals(SourceBlocker.Verdict.BLOCK_STARTED, blocker.admit(A, t));
        assertEquals(SourceBlocker.Verdict.BLOCKED, blocker.admit(A, t + SECOND), "refills do not matter while blocked");
        assertEquals(SourceBlocker.Verdict.BLOCKED, blocker.admit(A, t + 59 * SECOND));
        assertTrue(blocker.blocked(A, t + 59 * SECOND));
        assertEquals(1, blocker.blockedSources());
        assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(B, t + SECOND), "another source has its own budget");

        assertEquals(List.of(), blocker.sweep(t + 59 * SECOND), "not over yet");
        List<SourceBlocker.EndedBlock> ended = blocker.sweep(t + 60 * SECOND);
        assertEquals(List.of(new SourceBlocker.EndedBlock(A, 60 * SECOND, 3)), ended, "the overspending one + 2 refused");
        assertEquals(List.of(), blocker.sweep(t + 61 * SECOND), "reported once");
        assertFalse(blocker.blocked(A, t + 60 * SECOND));
        assertEquals(0, blocker.blockedSources());
        for (int i = 0; i < 5; i++) {
            assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(A, t + 60 * SECOND), "a full bucket after the block");
        }
    }

    @Test
    void aSourceWithinItsRateIsNeverBlocked() {
        SourceBlocker blocker = new SourceBlocker(5, 60 * SECOND, 100);
        for (int i = 0; i < 1000; i++) {
            assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(A, i * SECOND / 5), "request " + i + " at 5/s");
        }
    }

    @Test
    void aBlockThatRanOutIsReportedEvenWhenTheSourceSentBeforeTheSweep() {
        SourceBlocker blocker = new SourceBlocker(1, 10 * SECOND, 100);
        assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(A, 0));
        assertEquals(SourceBlocker.Verdict.BLOCK_STARTED, blocker.admit(A, 0));
        assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(A, 10 * SECOND));
        assertEquals(List.of(new SourceBlocker.EndedBlock(A, 10 * SECOND, 1)), blocker.sweep(11 * SECOND));
    }

    @Test
    void trackedSourcesAreBoundedAndForgettingABlockedOneKeepsTheCountRight() {
        SourceBlocker blocker = new SourceBlocker(1, 10 * SECOND, 2);
        blocker.admit(A, 0);
        assertEquals(SourceBlocker.Verdict.BLOCK_STARTED, blocker.admit(A, 0));
        blocker.admit(B, 0);
        blocker.admit(address(192, 0, 2, 3), 0); // A is the least recently seen: forgotten
        assertEquals(0, blocker.blockedSources());
        assertEquals(SourceBlocker.Verdict.PASS, blocker.admit(A, 0), "forgotten: a full bucket again");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new SourceBlocker(0, SECOND, 1));
        assertThrows(IllegalArgumentException.class, () -> new SourceBlocker(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SourceBlocker(1, SECOND, 0));
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
