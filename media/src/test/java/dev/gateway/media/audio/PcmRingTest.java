package dev.gateway.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PcmRingTest {

    /** Samples 1, 2, ... n: distinct and non-zero, so a zero in the output is always padding or silence. */
    private static short[] ramp(int first, int count) {
        short[] s = new short[count];
        for (int i = 0; i < count; i++) {
            s[i] = (short) (first + i);
        }
        return s;
    }

    private static short[] readAll(PcmRing ring) {
        short[] out = new short[ring.size()];
        ring.read(out, 0, out.length);
        return out;
    }

    static Stream<Arguments> capacities() {
        return Stream.of(
                Arguments.of("one sample", 1, 1),
                Arguments.of("already a power of two", 2, 2),
                Arguments.of("three rounds up to four", 3, 4),
                Arguments.of("one 20 ms frame rounds up", 160, 256),
                Arguments.of("exact 4096", 4096, 4096),
                Arguments.of("one past a power of two", 4097, 8192),
                Arguments.of("the 16M limit", 1 << 24, 1 << 24));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("capacities")
    void capacityRoundsUpToPowerOfTwo(String name, int requested, int expected) {
        PcmRing ring = new PcmRing(requested);
        assertEquals(expected, ring.capacity());
        assertEquals(0, ring.size());
        assertEquals(0, ring.overflowed());
    }

    @ParameterizedTest(name = "capacity {0} is rejected")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, (1 << 24) + 1, Integer.MAX_VALUE})
    void badCapacityIsRejected(int capacity) {
        assertThrows(IllegalArgumentException.class, () -> new PcmRing(capacity));
    }

    @Test
    void readsBackWhatWasWrittenInOrder() {
        PcmRing ring = new PcmRing(16);
        ring.write(ramp(1, 5), 0, 5);
        ring.write(ramp(6, 3), 0, 3);
        assertEquals(8, ring.size());

        short[] out = new short[8];
        assertEquals(8, ring.read(out, 0, 8));
        assertArrayEquals(ramp(1, 8), out);
        assertEquals(0, ring.size());
    }

    @Test
    void writeHonoursSourceOffsetAndReadHonoursDestinationOffset() {
        PcmRing ring = new PcmRing(8);
        short[] src = {-1, -1, 10, 20, 30, -1};
        ring.write(src, 2, 3);

        short[] dst = {7, 7, 7, 7, 7, 7};
        assertEquals(3, ring.read(dst, 1, 3));
        assertArrayEquals(new short[] {7, 10, 20, 30, 7, 7}, dst, "only dst[1..3] is touched");
    }

    @Test
    void readPastTheEndPadsWithZerosAndReportsRealSamples() {
        PcmRing ring = new PcmRing(8);
        ring.write(ramp(100, 3), 0, 3);

        short[] dst = {9, 9, 9, 9, 9, 9, 9};
        assertEquals(3, ring.read(dst, 1, 5));
        assertArrayEquals(new short[] {9, 100, 101, 102, 0, 0, 9}, dst);
        assertEquals(0, ring.size());
    }

    @Test
    void readFromEmptyRingIsAllSilence() {
        PcmRing ring = new PcmRing(8);
        short[] dst = ramp(1, 4);
        assertEquals(0, ring.read(dst, 0, 4));
        assertArrayEquals(new short[4], dst);
    }

    @Test
    void writeSilenceAppendsZerosOverStaleSlots() {
        PcmRing ring = new PcmRing(8);
        // fill every slot with non-zero data first, so the zeros below cannot be left-overs
        ring.write(ramp(1, 8), 0, 8);
        ring.skip(6);
        ring.writeSilence(4);
        ring.write(ramp(50, 2), 0, 2);

        assertEquals(8, ring.size());
        assertArrayEquals(new short[] {7, 8, 0, 0, 0, 0, 50, 51}, readAll(ring));
        assertEquals(0, ring.overflowed());
    }

    @Test
    void skipDropsFromTheHeadAndStopsAtEmpty() {
        PcmRing ring = new PcmRing(8);
        ring.write(ramp(1, 6), 0, 6);
        ring.skip(2);
        assertEquals(4, ring.size());
        assertArrayEquals(new short[] {3, 4, 5, 6}, readAll(ring));

        ring.write(ramp(1, 3), 0, 3);
        ring.skip(10);
        assertEquals(0, ring.size());
        assertEquals(0, ring.overflowed(), "skipping is not overflow");
    }

    @Test
    void overflowDropsTheOldestSamplesAndCountsThem() {
        PcmRing ring = new PcmRing(8);
        ring.write(ramp(1, 6), 0, 6);
        ring.write(ramp(7, 5), 0, 5); // 11 samples into 8 slots: 1, 2, 3 go

        assertEquals(8, ring.size());
        assertEquals(3, ring.overflowed());
        assertArrayEquals(ramp(4, 8), readAll(ring));
    }

    @Test
    void oneWriteLargerThanCapacityKeepsTheNewestSamples() {
        PcmRing ring = new PcmRing(8);
        ring.write(ramp(1, 2), 0, 2);
        ring.write(ramp(100, 12), 0, 12); // the 2 queued and the first 4 written are dropped

        assertEquals(8, ring.size());
        assertEquals(6, ring.overflowed());
        assertArrayEquals(ramp(104, 8), readAll(ring));
    }

    @Test
    void silenceOverflowDropsTheOldestSamplesAndCountsThem() {
        PcmRing ring = new PcmRing(8);
        ring.write(ramp(1, 6), 0, 6);
        ring.writeSilence(4);

        assertEquals(8, ring.size());
        assertEquals(2, ring.overflowed());
        assertArrayEquals(new short[] {3, 4, 5, 6, 0, 0, 0, 0}, readAll(ring));
    }

    @Test
    void silenceLongerThanCapacityCountsEveryDroppedSample() {
        PcmRing ring = new PcmRing(8);
        ring.write(ramp(1, 3), 0, 3);
        ring.writeSilence(10); // 3 queued samples and 2 of the 10 zeros cannot be kept

        assertEquals(8, ring.size());
        assertEquals(5, ring.overflowed(), "same accounting as write(): 13 samples offered, 8 kept");
    }

    @Test
    void wrapsAroundTheEndOfTheArrayManyTimes() {
        PcmRing ring = new PcmRing(8);
        short next = 1;
        short expected = 1;
        short[] chunk = new short[5];
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = next++;
            }
            ring.write(chunk, 0, chunk.length);
            short[] out = new short[5];
            assertEquals(5, ring.read(out, 0, 5));
            for (short s : out) {
                assertEquals(expected++, s, "round " + round);
            }
        }
        assertEquals(0, ring.overflowed());
    }

    @Test
    void clearEmptiesTheRingButKeepsTheOverflowCount() {
        PcmRing ring = new PcmRing(4);
        ring.write(ramp(1, 6), 0, 6);
        ring.clear();
        assertEquals(0, ring.size());
        assertEquals(2, ring.overflowed());

        ring.write(ramp(20, 2), 0, 2);
        assertArrayEquals(new short[] {20, 21}, readAll(ring));
    }

    /** Random operations against a plain deque that drops from the head when more than 16 samples are queued. */
    @Test
    void matchesASimpleModelUnderRandomOperations() {
        final int capacity = 16;
        PcmRing ring = new PcmRing(capacity);
        ArrayDeque<Short> model = new ArrayDeque<>();
        long modelOverflow = 0;
        Random random = new Random(4733);
        short next = 1;
        for (int step = 0; step < 20_000; step++) {
            int count = random.nextInt(capacity + 1);
            switch (random.nextInt(4)) {
                case 0 -> {
                    short[] src = new short[count + 2];
                    for (int i = 0; i < count; i++) {
                        src[1 + i] = next;
                        next = (short) (next == Short.MAX_VALUE ? 1 : next + 1);
                    }
                    ring.write(src, 1, count);
                    for (int i = 0; i < count; i++) {
                        model.addLast(src[1 + i]);
                    }
                }
                case 1 -> {
                    ring.writeSilence(count);
                    for (int i = 0; i < count; i++) {
                        model.addLast((short) 0);
                    }
                }
                case 2 -> {
                    short[] dst = new short[count];
                    int got = ring.read(dst, 0, count);
                    assertEquals(Math.min(count, model.size()), got, "step " + step);
                    for (int i = 0; i < count; i++) {
                        short want = i < got ? model.removeFirst() : 0;
                        assertEquals(want, dst[i], "step " + step + " sample " + i);
                    }
                }
                default -> {
                    ring.skip(count);
                    for (int i = 0; i < count && !model.isEmpty(); i++) {
                        model.removeFirst();
                    }
                }
            }
            while (model.size() > capacity) {
                model.removeFirst();
                modelOverflow++;
            }
            assertEquals(model.size(), ring.size(), "step " + step);
            assertEquals(modelOverflow, ring.overflowed(), "step " + step);
        }
    }
}
