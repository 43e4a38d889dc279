package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long MS = 1_000_000L;

    @Test
    void aFullBurstThenOneTokenPerPeriod() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);
        assertTrue(bucket.tryTake(0));
        assertTrue(bucket.tryTake(0));
        assertTrue(bucket.tryTake(0));
        assertFalse(bucket.tryTake(0), "the burst is 3");
        assertFalse(bucket.tryTake(99 * MS), "10/s: the next token at 100 ms");
        assertTrue(bucket.tryTake(101 * MS));
        assertFalse(bucket.tryTake(101 * MS));
        assertTrue(bucket.tryTake(10_000 * MS));
        assertTrue(bucket.tryTake(10_000 * MS));
        assertTrue(bucket.tryTake(10_000 * MS));
        assertFalse(bucket.tryTake(10_000 * MS), "an idle bucket holds no more than its burst");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
    }
}
