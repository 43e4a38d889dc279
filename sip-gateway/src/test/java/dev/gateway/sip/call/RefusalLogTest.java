package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void tenLinesPerIntervalThenCountedAndReportedWithTheNextLine() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        RefusalLog log = new RefusalLog(System.getLogger("test"), now::get);
        for (int i = 0; i < RefusalLog.LINES_PER_INTERVAL; i++) {
            assertEquals("refused " + i, log.admit("refused " + i));
        }
        assertNull(log.admit("refused 10"));
        now.addAndGet(9 * SECOND);
        assertNull(log.admit("refused 11"), "still the same 10 s window");
        now.addAndGet(SECOND);
        assertEquals("refused 12 (2 more refusal(s) not logged before this one)", log.admit("refused 12"));
        assertEquals("refused 13", log.admit("refused 13"), "the count is reported once");
    }
}
