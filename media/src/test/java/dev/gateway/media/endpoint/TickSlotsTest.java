package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The tick's slot arithmetic with synthetic times (ms converted to ns). */
class TickSlotsTest {
    private static final long MS = 1_000_000L;

    @Test
    void onTimeWakeUpsSkipNothingAndAimAtTheNextBoundary() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(0, slots.onWake(20 * MS));
        assertEquals(20 * MS, slots.delayNanos(20 * MS));
        assertEquals(0, slots.onWake(41 * MS)); // 1 ms late: served, not counted late
        assertEquals(19 * MS, slots.delayNanos(41 * MS)); // back on the 60 ms boundary, no drift
        assertEquals(new TickStats(2, 0, 0, 1.0), slots.stats());
    }

    @Test
    void aWakeUpWholeSlotsLateRunsOnceAndSkipsTheMissedSlots() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(0, slots.onWake(20 * MS));
        // the slot at 40 ms woke at 105 ms: it serves the 100 ms slot, skipping 40, 60, 80
        assertEquals(3, slots.onWake(105 * MS));
        assertEquals(15 * MS, slots.delayNanos(105 * MS)); // next at 120 ms, not at once
        assertEquals(0, slots.onWake(120 * MS));
        assertEquals(new TickStats(3, 1, 3, 65.0), slots.stats());
    }

    @Test
    void aWakeUpLateByLessThanASlotIsCountedLateButSkipsNothing() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(0, slots.onWake(35 * MS));
        assertEquals(5 * MS, slots.delayNanos(35 * MS));
        assertEquals(0, slots.delayNanos(41 * MS)); // already due: run at once, once
        assertEquals(new TickStats(1, 1, 0, 15.0), slots.stats());
    }

    @Test
    void anEarlyWakeUpIsServedAndNotLate() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(0, slots.onWake(19 * MS));
        assertEquals(21 * MS, slots.delayNanos(19 * MS));
        assertEquals(new TickStats(1, 0, 0, 0.0), slots.stats());
    }
}
