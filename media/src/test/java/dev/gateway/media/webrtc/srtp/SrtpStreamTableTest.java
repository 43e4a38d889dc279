package dev.gateway.media.webrtc.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SrtpStreamTableTest {

    /** RFC 3711 Appendix A: highest accepted (ROC, s_l), arriving SEQ, expected (v, SEQ). */
    @ParameterizedTest(name = "ROC {0} s_l {1}, SEQ {2} -> v {3}")
    @CsvSource({
        "0, 100,   101,   0",   // in order
        "0, 100,   50,    0",   // late, same ROC
        "0, 65535, 0,     1",   // wrap: s_l >= 32768 and s_l - 32768 > SEQ
        "0, 65000, 10,    1",
        "0, 40000, 7232,  0",   // s_l - 32768 = 7232 is not > 7232
        "0, 40000, 7231,  1",
        "1, 5,     65530, 0",   // late packet from before the wrap: s_l < 32768 and SEQ - s_l > 32768
        "1, 5,     32773, 1",   // SEQ - s_l = 32768 is not > 32768
        "1, 5,     32774, 0",
        "7, 32768, 0,     7",   // s_l - 32768 = 0 is not > 0
    })
    void estimatesTheRolloverCounter(long roc, int sl, int seq, long v) {
        SrtpStreamTable table = new SrtpStreamTable();
        int slot = table.findOrInsert(42);
        table.accept(slot, (roc << 16) | sl);
        assertEquals((v << 16) | seq, table.estimateRtpIndex(slot, seq));
    }

    @Test
    void aFirstPacketHasRocZeroAndANegativeGuessIsAReplay() {
        SrtpStreamTable table = new SrtpStreamTable();
        assertEquals(65535, table.estimateRtpIndex(-1, 65535));
        int slot = table.findOrInsert(1);
        table.accept(slot, 3);
        long index = table.estimateRtpIndex(slot, 65534); // from "before" the stream: v = -1
        assertTrue(index < 0);
        assertTrue(table.isReplayed(slot, index));
    }

    @Test
    void windowAcceptsOnceWithin64AndRefusesOlder() {
        SrtpStreamTable table = new SrtpStreamTable();
        int slot = table.findOrInsert(7);
        table.accept(slot, 1000);
        assertTrue(table.isReplayed(slot, 1000));
        assertFalse(table.isReplayed(slot, 1001));
        assertFalse(table.isReplayed(slot, 1000 - 63));
        assertTrue(table.isReplayed(slot, 1000 - 64));
        table.accept(slot, 1000 - 63);
        assertTrue(table.isReplayed(slot, 1000 - 63));
        table.accept(slot, 1000 + 100); // jump beyond the window: only the new highest is marked
        assertFalse(table.isReplayed(slot, 1100 - 1));
        assertTrue(table.isReplayed(slot, 1100));
        assertTrue(table.isReplayed(slot, 1000));
    }

    @Test
    void evictsTheLeastRecentlyUsedSsrcWhenFull() {
        SrtpStreamTable table = new SrtpStreamTable();
        for (int ssrc = 0; ssrc < SrtpStreamTable.CAPACITY; ssrc++) {
            table.accept(table.findOrInsert(ssrc), 10);
        }
        table.accept(table.find(0), 11); // 0 is now the most recent; 1 the least
        int slot = table.findOrInsert(999);
        assertEquals(-1, table.find(1));
        assertTrue(table.find(0) >= 0);
        assertEquals(SrtpStreamTable.NONE, table.highest(slot));
    }
}
