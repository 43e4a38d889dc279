package dev.gateway.media.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Drives the buffer the way the media tick does: packets are pushed at their arrival time, and at each 20 ms
 * tick poll is called until it answers false. Time is simulated in nanoseconds; nothing sleeps.
 */
class JitterBufferTest {

    private static final int RATE = 8000;
    private static final long MS = 1_000_000L;
    private static final long TICK = 20 * MS;

    private final ByteBuf packet = Unpooled.buffer(1500);
    private final JitterFrame frame = new JitterFrame(1500);
    private final List<String> out = new ArrayList<>();

    @AfterEach
    void release() {
        assertTrue(packet.release());
    }

    private JitterPushResult push(JitterBuffer jb, int seq, long ts, int marker, long arrivalNanos) {
        packet.clear();
        packet.writeInt(marker);
        packet.writeByte(seq & 0xFF);
        return jb.push(seq & 0xFFFF, ts & 0xFFFF_FFFFL, packet, 0, packet.readableBytes(), arrivalNanos);
    }

    /** Polls until false; records "seq:ts:samples@ms" for frames and "LOST seq:ts:samples@ms" for lost ones. */
    private void tick(JitterBuffer jb, long nowNanos) {
        while (jb.poll(nowNanos, frame)) {
            if (frame.lost()) {
                out.add("LOST " + frame.sequenceNumber() + ":" + frame.timestamp() + ":" + frame.samples() + "@"
                        + nowNanos / MS);
            } else {
                assertEquals(5, frame.length());
                int marker = (frame.payload()[0] & 0xFF) << 24 | (frame.payload()[1] & 0xFF) << 16
                        | (frame.payload()[2] & 0xFF) << 8 | (frame.payload()[3] & 0xFF);
                assertEquals(frame.sequenceNumber(), marker, "payload belongs to its sequence number");
                out.add(frame.sequenceNumber() + ":" + frame.timestamp() + ":" + frame.samples() + "@"
                        + nowNanos / MS);
            }
        }
    }

    @ParameterizedTest(name = "{0} ms packets")
    @CsvSource({"20, 160", "30, 240", "10, 80"})
    void inOrderStreamPlaysEveryPayloadAtMinimumDelay(int packetMs, int samples) {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        int packets = 30;
        List<String> expected = new ArrayList<>();
        long lastTick = ((packets - 1) * packetMs + 20 + 19) / 20 * 20 * MS;
        for (long now = 0, k = 0; now <= lastTick; now += MS) {
            if (k < packets && now == k * packetMs * MS) {
                assertEquals(JitterPushResult.ACCEPTED, push(jb, (int) k + 1000, 5000 + k * samples, (int) k + 1000,
                        now));
                k++;
            }
            if (now % TICK == 0) {
                tick(jb, now);
            }
        }
        for (int k = 0; k < packets; k++) {
            long due = k * packetMs + 20;
            long tickMs = (due + 19) / 20 * 20;
            // the first frame's duration is known only if the second packet arrived by its playout tick
            int duration = k == 0 && packetMs > 20 ? 0 : samples;
            expected.add((1000 + k) + ":" + (5000 + k * samples) + ":" + duration + "@" + tickMs);
        }
        assertEquals(expected, out.subList(0, packets));
        // past the end of the stream only concealment follows (at most MAX_BLIND_LOSSES frames)
        assertTrue(out.subList(packets, out.size()).stream().allMatch(s -> s.startsWith("LOST")), out.toString());
        JitterStats stats = jb.stats();
        assertEquals(20, jb.targetDelayMs());
        assertEquals(20, stats.currentDelayMs());
        assertEquals(new JitterStats(packets, 0, 0, out.size() - packets, 0, 0, 20, 20), stats);
    }

    @Test
    void reorderedPairPlaysInSequenceOrder() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        push(jb, 1, 0, 1, 0);
        tick(jb, 0);
        push(jb, 3, 320, 3, 20 * MS);   // 3 overtakes 2
        push(jb, 2, 160, 2, 25 * MS);
        tick(jb, 20 * MS);
        tick(jb, 40 * MS);
        push(jb, 4, 480, 4, 60 * MS);
        tick(jb, 60 * MS);
        assertEquals(List.of("1:0:160@20", "2:160:160@40", "3:320:160@60"), out);
        assertEquals(0, jb.stats().lost());
    }

    @Test
    void reorderAtStartBeforeAnythingPlayedIsAccepted() {
        JitterBuffer jb = new JitterBuffer(RATE, 40, 100, 1500);
        assertEquals(JitterPushResult.ACCEPTED, push(jb, 11, 160, 11, 0));
        assertEquals(JitterPushResult.ACCEPTED, push(jb, 10, 0, 10, 5 * MS));
        for (long t = 0; t <= 80 * MS; t += TICK) {
            tick(jb, t);
        }
        assertEquals(List.of("10:0:160@20", "11:160:160@40"), out.subList(0, 2));
    }

    @Test
    void duplicateIsCountedAndPlayedOnce() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        push(jb, 1, 0, 1, 0);
        push(jb, 2, 160, 2, 20 * MS);
        assertEquals(JitterPushResult.DUPLICATE, push(jb, 2, 160, 2, 21 * MS));
        tick(jb, 20 * MS);
        tick(jb, 40 * MS);
        assertEquals(List.of("1:0:160@20", "2:160:160@40"), out.subList(0, 2));
        assertEquals(1, jb.stats().duplicates());
        assertEquals(3, jb.stats().pushed());
    }

    @ParameterizedTest(name = "{0} ms packets")
    @CsvSource({"20, 160", "30, 240"})
    void singleLossYieldsOneLostFrameWithTheGapsSampleCount(int packetMs, int samples) {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        int packets = 8;
        long lastTick = ((packets - 1) * packetMs + 20 + 19) / 20 * 20 * MS;
        for (long now = 0, k = 0; now <= lastTick; now += MS) {
            if (k < packets && now == k * packetMs * MS) {
                if (k != 3) {
                    push(jb, (int) k, k * samples, (int) k, now);
                }
                k++;
            }
            if (now % TICK == 0) {
                tick(jb, now);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < packets; k++) {
            long tickMs = (k * packetMs + 20 + 19) / 20 * 20;
            int duration = k == 0 && packetMs > 20 ? 0 : samples;
            expected.add((k == 3 ? "LOST " : "") + k + ":" + k * samples + ":" + duration + "@" + tickMs);
        }
        assertEquals(expected, out);
        assertEquals(1, jb.stats().lost());
        assertEquals(0, jb.stats().late());
    }

    @Test
    void lateArrivalIsCountedNotPlayedAndRaisesTarget() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        for (int k = 0; k < 6; k++) {
            long now = k * TICK;
            if (k != 3) {
                push(jb, k, 160L * k, k, now);
            }
            tick(jb, now);
        }
        // packet 3 was due at 80 ms and has been concealed; it shows up 50 ms late
        assertEquals(JitterPushResult.LATE, push(jb, 3, 480, 3, 130 * MS));
        tick(jb, 6 * TICK);
        assertTrue(out.contains("LOST 3:480:160@80"), out.toString());
        assertFalse(out.stream().anyMatch(s -> s.startsWith("3:")), "late packet must not play");
        assertEquals(1, jb.stats().late());
        assertEquals(20 + 50 + 10, jb.targetDelayMs(), "lateness plus margin");
    }

    @Test
    void burstJitterRaisesTargetWithinMaximum() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        int packets = 500;
        long[] arrivalMs = new long[packets];
        for (int k = 0; k < packets; k++) {
            // every second, packets 40..44 of each 50 are held and released together with 45: up to 100 ms late
            arrivalMs[k] = (k % 50 >= 40 && k % 50 < 45 ? k / 50 * 50 + 45 : k) * 20L;
        }
        int next = 0;
        int firstBurstLate = -1;
        for (long now = 0; now <= packets * 20L; now++) {
            for (int k = 0; k < packets; k++) {
                if (arrivalMs[k] == now) {
                    push(jb, k, 160L * k, k, now * MS);
                }
            }
            if (now % 20 == 0) {
                tick(jb, now * MS);
            }
            if (now == 1000) {
                firstBurstLate = (int) jb.stats().late();
                assertTrue(jb.targetDelayMs() > 60, "target after first burst " + jb.targetDelayMs());
            }
        }
        int target = jb.targetDelayMs();
        assertTrue(target > 20 && target <= 100, "target " + target);
        assertTrue(firstBurstLate > 0, "the first burst arrives late");
        long laterBurstsLate = jb.stats().late() - firstBurstLate;
        assertEquals(0, laterBurstsLate, "adapted: later bursts arrive in time " + jb.stats());
        assertTrue(jb.stats().currentDelayMs() <= 100 + 20, jb.stats().toString());
    }

    @Test
    void hugeDelaysNeverPushTargetPastMaximum() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        for (int k = 0; k < 200; k++) {
            long arrival = k * TICK + (k % 10 == 9 ? 400 * MS : 0);
            push(jb, k, 160L * k, k, arrival);
            tick(jb, k * TICK);
        }
        assertEquals(100, jb.targetDelayMs());
        assertTrue(jb.stats().currentDelayMs() <= 100);
    }

    @Test
    void sequenceAndTimestampWrapAround() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        long ts0 = 0x1_0000_0000L - 2 * 160;
        for (int k = 0; k < 6; k++) {
            push(jb, 65533 + k, ts0 + 160L * k, (65533 + k) & 0xFFFF, k * TICK);
            tick(jb, k * TICK);
        }
        tick(jb, 6 * TICK);
        assertEquals(List.of("65533:4294966976:160@20", "65534:4294967136:160@40", "65535:0:160@60",
                "0:160:160@80", "1:320:160@100", "2:480:160@120"), out);
    }

    @Test
    void farAheadSequenceResynchronises() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        push(jb, 1, 0, 1, 0);
        tick(jb, 0);
        assertEquals(JitterPushResult.OVERFLOW_RESET, push(jb, 1000, 160, 1000, 20 * MS));
        tick(jb, 20 * MS);
        tick(jb, 40 * MS);
        assertEquals(List.of("1000:160:0@40"), out);
        assertEquals(1, jb.stats().overflowResets());
    }

    @Test
    void timestampJumpResynchronises() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        push(jb, 1, 0, 1, 0);
        push(jb, 2, 160, 2, 20 * MS);
        assertEquals(JitterPushResult.OVERFLOW_RESET, push(jb, 3, 160 + 8000 * 60, 3, 40 * MS));
        tick(jb, 60 * MS);
        assertEquals(List.of("3:480160:0@60"), out);
    }

    @Test
    void tooLargePayloadIsRejected() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 4);
        assertEquals(JitterPushResult.TOO_LARGE, push(jb, 1, 0, 1, 0));
        assertFalse(jb.poll(100 * MS, frame));
    }

    @Test
    void fastSenderClockIsCorrectedByDroppingFrames() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        // sender's 20 ms take 19.9 ms here: 0.5 % fast (50 times a poor crystal's 100 ppm), 15 frames in a minute.
        // A frame is dropped only once the latest packet of the last 1-2 s could spare it, so the delay may run up
        // to a window's drift (5-10 ms here) above target + frame.
        long spacing = 19_900_000L;
        long now = 0;
        for (int k = 0; k < 3000; k++) {
            while (now <= k * spacing) {
                tick(jb, now);
                now += TICK;
            }
            push(jb, k, 160L * k, k, k * spacing);
        }
        JitterStats stats = jb.stats();
        assertTrue(stats.dropped() >= 10, "dropped " + stats.dropped());
        assertTrue(stats.currentDelayMs() <= 20 + 25, "delay " + stats.currentDelayMs());
        assertEquals(0, stats.lost());
    }

    @Test
    void slowSenderClockIsCorrectedByDeepening() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        long spacing = 20_400_000L;   // 2 % slow
        long now = 0;
        for (int k = 0; k < 1000; k++) {
            while (now <= k * spacing) {
                tick(jb, now);
                now += TICK;
            }
            push(jb, k, 160L * k, k, k * spacing);
        }
        JitterStats stats = jb.stats();
        assertEquals(0, stats.late());
        assertEquals(0, stats.lost());
        assertTrue(stats.currentDelayMs() >= 15 && stats.currentDelayMs() <= 25, "delay " + stats.currentDelayMs());
        assertEquals(20, stats.targetDelayMs());
    }

    @Test
    void resetForgetsEverythingAndReanchors() {
        JitterBuffer jb = new JitterBuffer(RATE, 20, 100, 1500);
        push(jb, 1, 0, 1, 0);
        push(jb, 2, 160, 2, 20 * MS);
        jb.reset();
        assertFalse(jb.poll(1000 * MS, frame));
        assertEquals(JitterPushResult.ACCEPTED, push(jb, 500, 99_000, 500, 2000 * MS));
        tick(jb, 2000 * MS);
        tick(jb, 2020 * MS);
        assertEquals(List.of("500:99000:0@2020"), out);
        assertEquals(3, jb.stats().pushed());
        assertEquals(20, jb.targetDelayMs());
    }

    /**
     * A sender that pauses (silence suppression, Opus DTX: the room's agents do it between sentences) sends
     * nothing for a while, then resumes on time. The buffer goes idle and re-anchors on the first packet after the
     * pause; that packet's transit must start a new timeline for the jitter estimate. It used to be compared with
     * the old timeline's transit, so every pause looked like seconds of jitter and pinned the target (and the
     * agent's delay on the phone) at the maximum: 100 ms measured end to end for 10 ms of real jitter.
     */
    @Test
    void resumingAfterAPauseKeepsTheMinimumDelay() {
        JitterBuffer jb = new JitterBuffer(RATE, 10, 100, 1500);
        int seq = 100;
        long ts = 7000;
        long now = 5_000_000_000L;   // any monotonic origin
        int highest = 0;
        for (int talk = 0; talk < 5; talk++) {
            for (int i = 0; i < 15; i++) {             // 300 ms of 20 ms packets, perfectly on time
                push(jb, seq, ts, seq, now);
                seq++;
                ts += 160;
                now += TICK;
                tick(jb, now);
                highest = Math.max(highest, jb.targetDelayMs());
            }
            for (int i = 0; i < 35; i++) {             // 700 ms pause: nothing sent, the clock keeps running
                ts += 160;
                now += TICK;
                tick(jb, now);
            }
        }
        assertEquals(10, highest, "a paused sender is not jitter: highest target");
        assertEquals(0, jb.stats().late());
    }

    /**
     * A sender that pauses (Opus DTX sends one packet every 400 ms of silence; a muted track sends none) and
     * resumes within 100 ms of its last packet: the resumed packet is the next sequence number with a later
     * timestamp. The buffer used to spend that sequence number on concealment at the first empty tick, then
     * drop the resumed speech as late (up to 100 ms of the agent's first syllable) and raise its target.
     */
    @Test
    void speechResumingRightAfterADtxPacketPlaysAtOnce() {
        JitterBuffer jb = new JitterBuffer(RATE, 10, 100, 1500);
        for (int k = 0; k < 10; k++) {                  // 200 ms of speech, on time
            push(jb, k, 160L * k, k, k * TICK + MS);
            tick(jb, (k + 1) * TICK);
        }
        long now = 10 * TICK;
        for (; now < 600 * MS; now += TICK) {           // silence: nothing but the ticks
            tick(jb, now);
        }
        push(jb, 10, 160L * 9 + 3200, 10, 581 * MS);     // a DTX update, 400 ms of media time later
        for (; now < 640 * MS; now += TICK) {
            tick(jb, now);
        }
        for (int k = 11; k < 30; k++) {                 // speech again 60 ms later: seq 11 onwards
            push(jb, k, 160L * 9 + 3200 + 480 + 160L * (k - 11), k, (641 + 20L * (k - 11)) * MS);
            tick(jb, now);
            now += TICK;
        }
        for (int k = 11; k < 29; k++) {
            long dueMs = 641 + 20L * (k - 11) + 10;
            String played = k + ":" + (160L * 9 + 3200 + 480 + 160L * (k - 11)) + ":160@" + (dueMs + 19) / 20 * 20;
            assertTrue(out.contains(played), "expected " + played + " in " + out);
        }
        assertEquals(0, jb.stats().late(), jb.stats().toString());
        assertEquals(10, jb.targetDelayMs());
    }

    /** Packets that arrive after their due time but before the tick that plays them lose nothing: not late. */
    @Test
    void aPacketPlayedAtItsTickIsNotLateEvenAfterItsDueTime() {
        JitterBuffer jb = new JitterBuffer(RATE, 10, 100, 1500);
        push(jb, 0, 0, 0, MS);                          // anchors: packet k due at 11 + 20k ms
        for (int k = 1; k < 50; k++) {
            push(jb, k, 160L * k, k, (20L * k + 1 + (k % 2) * 15) * MS); // odd ones 5 ms after due, before the tick
            tick(jb, 20L * k * MS);
        }
        assertEquals(0, jb.stats().late(), jb.stats().toString());
        assertEquals(0, jb.stats().lost(), jb.stats().toString());
        assertTrue(out.stream().noneMatch(s -> s.startsWith("LOST")), out.toString());
    }

    /**
     * A packet 5 ms past its playout time but in time for its tick lost nothing: the target grows by 5 ms plus a
     * margin as large (20 ms), not by the 10 ms margin a real loss earns (25 ms), so a little jitter at the start
     * of a talk spurt does not add a frame of delay to the agent's voice.
     */
    @Test
    void anOverduePacketRaisesTheTargetByItsOverdueTimeTwice() {
        JitterBuffer jb = new JitterBuffer(RATE, 10, 100, 1500);
        push(jb, 0, 0, 0, MS);                          // due at 11 ms
        tick(jb, 20 * MS);
        push(jb, 1, 160, 1, 36 * MS);                   // due at 31 ms, the next tick is at 40
        tick(jb, 40 * MS);
        assertEquals(List.of("0:0:0@20", "1:160:160@40"), out);
        assertEquals(0, jb.stats().late());
        assertEquals(20, jb.targetDelayMs());
    }
}
