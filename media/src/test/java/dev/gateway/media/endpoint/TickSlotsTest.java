package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The tick's slot arithmetic with synthetic times (ms converted to ns). */
class TickSlotsTest {
    private static final long MS = 1_000_000L;

    @Test
    void onTimeWakeUpsRunOnceAndAimAtTheNextBoundary() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(1, slots.onWake(20 * MS));
        assertEquals(20 * MS, slots.delayNanos(20 * MS));
        assertEquals(1, slots.onWake(41 * MS)); // 1 ms late: served, not counted late
        assertEquals(19 * MS, slots.delayNanos(41 * MS)); // back on the 60 ms boundary, no drift
        assertEquals(new TickStats(2, 0, 0, 1.0), slots.stats());
    }

    @Test
    void aShortStallRunsTheMissedSlotsOnceThenIsBackOnTime() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(1, slots.onWake(20 * MS));
        // the slot at 40 ms woke at 105 ms: 40, 60, 80 and 100 all run now, none is lost
        assertEquals(4, slots.onWake(105 * MS));
        assertEquals(15 * MS, slots.delayNanos(105 * MS)); // next at 120 ms, no further catching up
        assertEquals(1, slots.onWake(120 * MS));
        assertEquals(new TickStats(6, 1, 0, 65.0), slots.stats());
    }

    @Test
    void aLongStallCatchesUpAtMostTheLimitAndSkipsTheRest() {
        TickSlots slots = new TickSlots(20 * MS);
        // woke at 1020 ms for the 20 ms slot: 50 slots missed, 10 caught up, 40 skipped
        assertEquals(1 + TickSlots.MAX_CATCH_UP, slots.onWake(1020 * MS));
        assertEquals(40, slots.skipped());
        assertEquals(20 * MS, slots.delayNanos(1020 * MS)); // the next slot is 1040 ms: no debt is left
        assertEquals(new TickStats(11, 1, 40, 1000.0), slots.stats());
    }

    @Test
    void aWakeUpLateByLessThanASlotIsCountedLateAndRunsOnce() {
        TickSlots slots = new TickSlots(20 * MS);
        assertEquals(1, slots.onWake(35 * MS));
        assertEquals(5 * MS, slots.delayNanos(35 * MS));
        assertEquals(0, slots.delayNanos(41 * MS)); // already due: run at once
        assertEquals(new TickStats(1, 1, 0, 15.0), slots.stats());
    }

    @Test
    void latenessIsCountedPerBucketWithItsSum() {
        TickSlots slots = new TickSlots(20 * MS);
        slots.onWake(19 * MS);  // early: the 0.5 ms bucket, adds 0
        slots.onWake(41 * MS);  // 1 ms: the 1 ms bucket (bounds are inclusive)
        slots.onWake(63 * MS);  // 3 ms: the 5 ms bucket
        slots.onWake(330 * MS); // 250 ms: past the last bound
        TickLateness l = slots.lateness();
        assertArrayEquals(new long[] {1, 1, 0, 1, 0, 0, 0, 0, 0, 1}, l.counts());
        assertEquals((1 + 3 + 250) * MS, l.sumNanos());
        assertEquals(4, l.count());
        assertArrayEquals(new long[] {2, 2, 0, 2, 0, 0, 0, 0, 0, 2}, l.plus(l).counts());
    }
}
