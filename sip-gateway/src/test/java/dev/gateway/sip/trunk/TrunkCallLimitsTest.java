package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TrunkCallLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void concurrentCapCountsCallsUntilTheyEnd() {
        TrunkCallLimits limits = new TrunkCallLimits();
        DialPolicy two = new DialPolicy(DestinationList.UNRESTRICTED, 2, 0);
        assertNull(limits.tryStart("A", two, 0));
        assertNull(limits.tryStart("A", two, 0));
        assertEquals("max_concurrent_calls 2 reached", limits.tryStart("A", two, 0));
        assertNull(limits.tryStart("B", two, 0), "caps are per trunk");
        limits.finished("A");
        assertEquals(1, limits.active("A"));
        assertNull(limits.tryStart("A", two, 0));
        assertEquals(2, limits.active("A"));
    }

    @Test
    void perMinuteCapAllowsABurstThenRefillsEvenly() {
        TrunkCallLimits limits = new TrunkCallLimits();
        DialPolicy six = new DialPolicy(DestinationList.UNRESTRICTED, 0, 6); // one token per 10 s
        for (int i = 0; i < 6; i++) {
            assertNull(limits.tryStart("A", six, 0));
            limits.finished("A");
        }
        assertEquals("max_calls_per_minute 6 reached", limits.tryStart("A", six, 9 * SECOND));
        assertNull(limits.tryStart("A", six, 10 * SECOND));
        assertEquals("max_calls_per_minute 6 reached", limits.tryStart("A", six, 11 * SECOND));
        assertNull(limits.tryStart("A", six, 600 * SECOND));
    }

    @Test
    void aConcurrentRefusalSpendsNoRateToken() {
        TrunkCallLimits limits = new TrunkCallLimits();
        DialPolicy both = new DialPolicy(DestinationList.UNRESTRICTED, 1, 2);
        assertNull(limits.tryStart("A", both, 0));
        assertEquals("max_concurrent_calls 1 reached", limits.tryStart("A", both, 0));
        assertEquals("max_concurrent_calls 1 reached", limits.tryStart("A", both, 0));
        limits.finished("A");
        assertNull(limits.tryStart("A", both, 0), "the second token is still there");
    }

    @Test
    void deletedTrunksAreForgottenOnceIdle() {
        TrunkCallLimits limits = new TrunkCallLimits();
        assertNull(limits.tryStart("gone", DialPolicy.OPEN, 0));
        assertNull(limits.tryStart("kept", DialPolicy.OPEN, 0));
        limits.retainOnly(Set.of("kept"));
        assertEquals(2, limits.tracked(), "a call is still up on 'gone'");
        limits.finished("gone");
        limits.retainOnly(Set.of("kept"));
        assertEquals(1, limits.tracked());
        limits.finished("unknown"); // harmless
        assertEquals(1, limits.active("kept"));
    }
}
