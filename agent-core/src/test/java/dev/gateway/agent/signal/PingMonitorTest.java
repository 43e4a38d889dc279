package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PingMonitorTest {

    @Test
    void joinCountsAsLifeUntilTheTimeout() {
        PingMonitor m = new PingMonitor(1_000, 15_000);
        assertFalse(m.timedOut(16_000));
        assertTrue(m.timedOut(16_001));
    }

    @Test
    void eachPongRestartsTheTimeoutAndKeepsTheRtt() {
        PingMonitor m = new PingMonitor(0, 15_000);
        m.onPong(42, 10_000);
        assertFalse(m.timedOut(25_000));
        assertTrue(m.timedOut(25_001));
        assertEquals(42, m.rttMs());
        assertEquals(1, m.pongs());
    }

    @Test
    void negativeRttFromAWallClockStepIsIgnoredButStillCountsAsLife() {
        PingMonitor m = new PingMonitor(0, 15_000);
        m.onPong(30, 5_000);
        m.onPong(-7, 10_000);
        assertEquals(30, m.rttMs());
        assertFalse(m.timedOut(25_000));
    }

    @Test
    void lateOrReorderedPongNeverMovesLastHeardBackwards() {
        PingMonitor m = new PingMonitor(0, 15_000);
        m.onPong(1, 20_000);
        m.onPong(1, 10_000);
        assertFalse(m.timedOut(35_000));
    }

    @Test
    void rejectsNonPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> new PingMonitor(0, 0));
    }
}
