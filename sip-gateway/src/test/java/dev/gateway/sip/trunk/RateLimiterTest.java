package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void burstThenRefill() throws Exception {
        RateLimiter r = new RateLimiter(2, 3, 100);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertTrue(r.tryAcquire(a, 0));
        assertTrue(r.tryAcquire(a, 0));
        assertTrue(r.tryAcquire(a, 0));
        assertFalse(r.tryAcquire(a, 0));
        assertTrue(r.tryAcquire(b, 0), "sources are independent");
        assertTrue(r.tryAcquire(a, SECOND / 2));
        assertFalse(r.tryAcquire(a, SECOND / 2));
        assertTrue(r.tryAcquire(a, 10 * SECOND));
    }

    @Test
    void unlimitedAndBounded() throws Exception {
        RateLimiter unlimited = new RateLimiter(0, 1, 1);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 1000; i++) {
            assertTrue(unlimited.tryAcquire(a, 0));
        }
        RateLimiter bounded = new RateLimiter(1, 1, 10);
        for (int i = 0; i < 100; i++) {
            bounded.tryAcquire(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}), i);
        }
        assertEquals(10, bounded.trackedSources());
    }
}
