package dev.gateway.bench.dtmf;

import dev.gateway.media.dtmf.DtmfReceiver;
import dev.gateway.media.dtmf.TelephoneEventCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * RFC 4733 telephone-event receive path, ns per packet.
 *
 * <ul>
 *   <li>{@link #readBlock}: the four {@link TelephoneEventCodec} reads (event, E bit, volume, duration) of one
 *       4-byte block in a direct buffer.</li>
 *   <li>{@link #receiverOnPacket}: {@link DtmfReceiver#onPacket} fed the packet stream a phone sends while the
 *       caller types "0123456789*#": per key a 100 ms press sent as five 20 ms updates (the first with the
 *       marker) and three end packets, keys starting 300 ms apart. So one packet in eight is a new digit
 *       (the listener runs), seven are continuations. After the twelfth key the stream repeats with timestamps
 *       moved on, so every press stays newer than the last.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DtmfBenchmark {

    private static final int[] KEYS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    private static final int UPDATES = 5;
    private static final int ENDS = 3;
    private static final int PER_KEY = UPDATES + ENDS;
    private static final int PACKET_TICKS = 160;             // 20 ms at 8 kHz
    private static final int KEY_SPACING_TICKS = 8000 * 3 / 10; // a key every 300 ms
    private static final int VOLUME = 10;                     // -10 dBm0
    private static final int STREAM_TICKS = KEYS.length * KEY_SPACING_TICKS;

    private ByteBuf block;
    private ByteBuf stream;
    private long[] timestamps;
    private boolean[] markers;
    private int next;
    private long epoch = 0xFFFF_0000L; // the 32-bit timestamp wraps in the first pass
    private long digits;
    private long packets;
    private DtmfReceiver receiver;

    @Setup
    public void setUp() {
        block = Unpooled.directBuffer(TelephoneEventCodec.SIZE);
        TelephoneEventCodec.write(block, 5, true, VOLUME, 800);

        int n = KEYS.length * PER_KEY;
        stream = Unpooled.directBuffer(n * TelephoneEventCodec.SIZE);
        timestamps = new long[n];
        markers = new boolean[n];
        for (int k = 0; k < KEYS.length; k++) {
            for (int p = 0; p < PER_KEY; p++) {
                int i = k * PER_KEY + p;
                boolean end = p >= UPDATES;
                int duration = Math.min(p + 1, UPDATES) * PACKET_TICKS;
                TelephoneEventCodec.write(stream, KEYS[k], end, VOLUME, duration);
                timestamps[i] = (long) k * KEY_SPACING_TICKS;
                markers[i] = p == 0;
            }
        }
        receiver = new DtmfReceiver(digit -> digits++);
    }

    @TearDown
    public void tearDown() {
        block.release();
        stream.release();
    }

    @TearDown(Level.Iteration)
    public void checkDigits() {
        // one new digit per key press, i.e. per PER_KEY packets (give or take the iteration's edges)
        long expected = packets / PER_KEY;
        if (Math.abs(digits - expected) > 1) {
            throw new IllegalStateException(digits + " digits from " + packets + " packets, expected " + expected);
        }
        digits = 0;
        packets = 0;
        next = 0;
        epoch += STREAM_TICKS;
    }

    @Benchmark
    public void readBlock(Blackhole bh) {
        bh.consume(TelephoneEventCodec.event(block, 0));
        bh.consume(TelephoneEventCodec.end(block, 0));
        bh.consume(TelephoneEventCodec.volume(block, 0));
        bh.consume(TelephoneEventCodec.duration(block, 0));
    }

    @Benchmark
    public DtmfReceiver.Result receiverOnPacket() {
        int i = next;
        DtmfReceiver.Result result = receiver.onPacket(epoch + timestamps[i], markers[i], stream,
                i * TelephoneEventCodec.SIZE, TelephoneEventCodec.SIZE);
        packets++;
        if (++next == timestamps.length) {
            next = 0;
            epoch += STREAM_TICKS;
        }
        return result;
    }
}
