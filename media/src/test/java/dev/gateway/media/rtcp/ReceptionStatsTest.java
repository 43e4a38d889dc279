package dev.gateway.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReceptionStatsTest {

    private static final int RATE = 8000;
    private static final long MS = 1_000_000L;
    private final ReceptionStats stats = new ReceptionStats();
    private final ReportBlock block = new ReportBlock();

    @Test
    void perfectStreamHasNoLossAndNoJitter() {
        stats.reset(0x1234);
        for (int i = 0; i < 50; i++) {
            assertTrue(stats.onPacket(100 + i, 1000 + 160L * i, 20 * MS * i, RATE));
        }
        assertEquals(50, stats.packetsReceived());
        assertEquals(149, stats.extendedHighestSequence());
        assertEquals(0, stats.cumulativeLost());
        assertEquals(0, stats.jitterTicks());
        assertTrue(stats.fillReportBlock(block, 0, 0));
        assertEquals(0x1234, block.sourceSsrc());
        assertEquals(0, block.fractionLost());
        assertEquals(149, block.extendedHighestSequence());
    }

    @Test
    void countsLossAndFractionPerInterval() {
        stats.reset(1);
        // 0..9 with 3 and 7 missing: 8 of 10 received
        for (int i = 0; i < 10; i++) {
            if (i != 3 && i != 7) {
                stats.onPacket(i, 160L * i, 20 * MS * i, RATE);
            }
        }
        assertEquals(2, stats.cumulativeLost());
        stats.fillReportBlock(block, 0, 0);
        assertEquals(2 * 256 / 10, block.fractionLost());
        assertEquals(2, block.cumulativeLost());
        // next interval 10..19 complete: fraction 0, cumulative unchanged
        for (int i = 10; i < 20; i++) {
            stats.onPacket(i, 160L * i, 20 * MS * i, RATE);
        }
        stats.fillReportBlock(block, 0xABCD, 0x10000);
        assertEquals(0, block.fractionLost());
        assertEquals(2, block.cumulativeLost());
        assertEquals(0xABCD, block.lastSenderReport());
        assertEquals(0x10000, block.delaySinceLastSenderReport());
    }

    @Test
    void wrapsSequenceIntoNextCycle() {
        stats.reset(1);
        for (int i = 0; i < 10; i++) {
            stats.onPacket((65530 + i) & 0xFFFF, 160L * i, 20 * MS * i, RATE);
        }
        assertEquals(65536 + 3, stats.extendedHighestSequence());
        assertEquals(0, stats.cumulativeLost());
    }

    @Test
    void reorderedPacketIsCountedWithoutMovingHighest() {
        stats.reset(1);
        stats.onPacket(10, 0, 0, RATE);
        stats.onPacket(12, 320, 40 * MS, RATE);
        stats.onPacket(11, 160, 41 * MS, RATE);
        assertEquals(12, stats.extendedHighestSequence());
        assertEquals(0, stats.cumulativeLost());
    }

    @Test
    void largeJumpIsIgnoredOnceThenRestartsWhenConfirmed() {
        stats.reset(1);
        stats.onPacket(100, 0, 0, RATE);
        stats.onPacket(101, 160, 20 * MS, RATE);
        assertFalse(stats.onPacket(30000, 320, 40 * MS, RATE), "first packet after a jump is set aside");
        assertEquals(101, stats.extendedHighestSequence());
        assertTrue(stats.onPacket(30001, 480, 60 * MS, RATE), "its successor confirms the restart");
        assertEquals(30001, stats.extendedHighestSequence());
        assertEquals(1, stats.packetsReceived());
        assertEquals(0, stats.cumulativeLost());
    }

    /** Constant transit-time alternation of +-d ticks drives J toward d (RFC 3550 A.8 converges to mean |D|). */
    @ParameterizedTest(name = "alternating {0} ms of delay")
    @ValueSource(ints = {5, 10, 20})
    void jitterConvergesToMeanTransitDifference(int delayMs) {
        stats.reset(1);
        for (int i = 0; i < 400; i++) {
            long extra = (i % 2 == 0) ? 0 : delayMs * MS;
            stats.onPacket(i, 160L * i, 20 * MS * i + extra, RATE);
        }
        long expectedTicks = delayMs * RATE / 1000L;
        assertEquals(expectedTicks, stats.jitterTicks(), 1);
        assertEquals(delayMs, stats.jitterMs(), 0.2);
    }

    @Test
    void jitterSurvivesTimestampWraparound() {
        stats.reset(1);
        long ts0 = 0xFFFFFFFFL - 320;
        for (int i = 0; i < 10; i++) {
            stats.onPacket(i, (ts0 + 160L * i) & 0xFFFFFFFFL, 20 * MS * i, RATE);
        }
        assertEquals(0, stats.jitterTicks());
    }

    @Test
    void resetForgetsTheSource() {
        stats.reset(1);
        stats.onPacket(5, 0, 0, RATE);
        stats.onPacket(9, 640, 80 * MS, RATE);
        stats.reset(2);
        assertFalse(stats.fillReportBlock(block, 0, 0));
        assertEquals(0, stats.expected());
        stats.onPacket(7000, 0, 100 * MS, RATE);
        assertEquals(0, stats.cumulativeLost());
        assertEquals(2, stats.ssrc());
    }
}
