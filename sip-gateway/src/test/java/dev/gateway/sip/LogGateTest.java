package dev.gateway.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogGateTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(5 * SECOND);

    @Test
    void oneLinePerKeyAndIntervalCarryingTheCountHeldBack() {
        LogGate gate = new LogGate(10 * SECOND, 16, now::get);
        assertEquals(0, gate.admit("a"), "the first event of a key is written");
        for (int i = 0; i < 7; i++) {
            assertEquals(-1, gate.admit("a"));
        }
        assertEquals(0, gate.admit("b"), "another key has its own line");
        now.addAndGet(10 * SECOND - 1);
        assertEquals(-1, gate.admit("a"));
        now.addAndGet(1);
        assertEquals(8, gate.admit("a"), "the next line says how many were held back");
        assertEquals(-1, gate.admit("a"));
    }

    @Test
    void pastMaxKeysNewcomersShareOneLineUntilOldKeysExpire() {
        LogGate gate = new LogGate(10 * SECOND, 3, now::get);
        for (String k : new String[] {"a", "b", "c"}) {
            assertEquals(0, gate.admit(k));
        }
        assertEquals(0, gate.admit("d"), "the first newcomer opens the shared key");
        assertEquals(-1, gate.admit("e"), "and the next shares its line");
        now.addAndGet(10 * SECOND);
        assertEquals(0, gate.admit("f"), "expired keys make room");
    }
}
