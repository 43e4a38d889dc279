package dev.gateway.media.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.g711.G711;
import dev.gateway.media.g711.G711PayloadDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The play-out under a simulated network (fake clock, seeded randomness): how many frames it conceals and
 * whether it ever plays a frame out of order or twice (a slip), how much delay it ends up adding.
 */
class JitterPlayoutTest {
    private static final long MS = 1_000_000L;
    private static final long TICK = 20 * MS;
    private static final int N = 160;

    /** Result of one simulated stream. */
    record Run(int packets, int dropped, int concealed, int slips, int played, long maxDelayMs, int finalTargetMs) {
    }

    private static ByteBuf packetFor(int seq) {
        byte[] payload = new byte[N];
        Arrays.fill(payload, (byte) (0x80 + (seq & 0x3F)));
        return Unpooled.wrappedBuffer(payload);
    }

    private static int codeOf(short sample) {
        for (int c = 0; c < 64; c++) {
            if (G711.PCMU.decode((byte) (0x80 + c)) == sample) {
                return c;
            }
        }
        return -1;
    }

    /** Packet k is sent at 20k ms + the first arrival's phase, arrives {@code jitter} later at most, or never. */
    static Run simulate(int packets, double loss, long maxJitterMs, long phaseMs, int minMs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long t0 = 1_000_000 * MS;
        long[] arrival = new long[packets];
        boolean[] lost = new boolean[packets];
        int dropped = 0;
        for (int k = 0; k < packets; k++) {
            lost[k] = k > 0 && random.nextDouble() < loss;
            dropped += lost[k] ? 1 : 0;
            arrival[k] = t0 + phaseMs * MS + k * TICK + (maxJitterMs == 0 ? 0 : random.nextLong(maxJitterMs * MS));
        }
        Integer[] order = new Integer[packets];
        for (int k = 0; k < packets; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Long.compare(arrival[a], arrival[b]));
        JitterPlayout playout = new JitterPlayout(new G711PayloadDecoder(G711.PCMU, 1500), minMs, 200, 1500);
        short[] out = new short[N];
        int next = 0;
        int slips = 0;
        int played = 0;
        int lastCode = -1;
        int playedIndex = -1; // the packet index just played, from the code's step (codes repeat every 64 packets)
        long maxDelay = 0;
        long end = t0 + (packets + 15) * TICK;
        for (long now = t0; now < end; now += TICK) {
            while (next < packets && arrival[order[next]] <= now) {
                int k = order[next++];
                if (!lost[k]) {
                    ByteBuf p = packetFor(k);
                    playout.push(k, k * 160L, p, 0, N, arrival[k]);
                    p.release();
                }
            }
            long concealedBefore = playout.concealed();
            if (playout.read(now, out, 0) && playout.concealed() == concealedBefore) {
                int code = codeOf(out[0]);
                if (lastCode >= 0 && code != ((lastCode + 1) & 0x3F) && code != ((lastCode + 2) & 0x3F)
                        && code != ((lastCode + 3) & 0x3F)) {
                    slips++; // not the next packet, nor one after a concealed gap of one or two
                }
                playedIndex = lastCode < 0 ? code : playedIndex + ((code - lastCode) & 0x3F);
                lastCode = code;
                played++;
                long sentAt = t0 + phaseMs * MS + (long) playedIndex * TICK; // when it left the sender
                maxDelay = Math.max(maxDelay, now - sentAt);
            }
        }
        return new Run(packets, dropped, (int) playout.concealed(), slips, played, maxDelay / MS,
                playout.stats().targetDelayMs());
    }

    @Test
    void noLossNoJitterPlaysEveryFrameWithAtMost30MsAdded() {
        for (long phase = 0; phase < 20; phase++) {
            Run r = simulate(500, 0, 0, phase, 10, 1);
            assertEquals(0, r.slips(), r.toString());
            assertEquals(500, r.played(), r.toString());
            assertTrue(r.finalTargetMs() <= 10, r.toString());
            assertTrue(r.maxDelayMs() <= 30, "sender to phone " + r);
        }
    }

    @Test
    void fivePercentLossAnd40MsJitterConcealsOnlyWhatWasLost() {
        for (long seed = 1; seed <= 5; seed++) {
            Run r = simulate(1500, 0.05, 40, 7, 10, seed);
            System.out.println("5 % loss / 40 ms jitter: " + r);
            assertEquals(0, r.slips(), r.toString());
            assertTrue(r.played() >= r.packets() - r.dropped() - 10, "almost every received packet played: " + r);
            // the gaps are the lost packets plus a few while the delay grows to the jitter (no audible gaps beyond)
            assertTrue(r.concealed() <= r.dropped() + 10, "concealed only what was lost: " + r);
            assertTrue(r.maxDelayMs() <= 100, "grew to the jitter, not to the maximum: " + r);
        }
    }
}
