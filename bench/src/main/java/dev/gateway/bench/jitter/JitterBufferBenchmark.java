package dev.gateway.bench.jitter;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.g711.G711;
import dev.gateway.media.jitter.JitterBuffer;
import dev.gateway.media.jitter.JitterFrame;
import dev.gateway.media.rtp.RtpCodec;
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

/**
 * {@link JitterBuffer} in steady state: one {@code push} of a 160-byte G.711 payload followed by one {@code poll}
 * per invocation, ns per (push + poll) pair.
 *
 * <p>Time is synthetic: invocation {@code i} is the arrival of a packet at {@code t0 + i * 20 ms}, and the poll
 * runs at that same instant, as the 20 ms tick would. The buffer is configured as the endpoint configures it
 * with the gateway's defaults (8 kHz, 20..100 ms, 1500-byte payloads).
 *
 * <ul>
 *   <li>{@link #inOrder}: sequence numbers arrive in order.</li>
 *   <li>{@link #reordered}: every 10th pair of packets arrives swapped (sequence ... 7, 9, 8, 10 ...), each still
 *       at its slot's arrival time, so one packet in ten is 20 ms late and one 20 ms early; the buffer's delay
 *       adapts to that.</li>
 * </ul>
 * Sequence numbers and timestamps wrap (16 and 32 bit) during a run, as in a long call. The share of polls that
 * handed out a received frame is checked at tear-down so a benchmark that silently measured an idle buffer fails.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JitterBufferBenchmark {

    private static final int CLOCK_RATE = 8000;
    private static final int MIN_DELAY_MS = 20;
    private static final int MAX_DELAY_MS = 100;
    private static final int MAX_PAYLOAD = 1500;
    private static final int SAMPLES = SpeechLikeSignal.FRAME_SAMPLES;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    /** Fewer played frames than this share of polls means the buffer was not in steady state. */
    private static final double MIN_PLAYED_SHARE = 0.95;

    private JitterBuffer jitter;
    private final JitterFrame frame = new JitterFrame(MAX_PAYLOAD);
    private ByteBuf packet;
    private long slot;
    private long polls;
    private long played;

    @Setup
    public void setUp() {
        jitter = new JitterBuffer(CLOCK_RATE, MIN_DELAY_MS, MAX_DELAY_MS, MAX_PAYLOAD);
        short[] pcm = SpeechLikeSignal.frames(1);
        packet = Unpooled.directBuffer(RtpCodec.HEADER_SIZE + SAMPLES);
        RtpCodec.writeHeader(packet, false, G711.PCMU.payloadType(), 0, 0, 1);
        G711.PCMU.encode(pcm, 0, SAMPLES, packet);
        slot = 0;
    }

    @TearDown
    public void tearDown() {
        packet.release();
    }

    @TearDown(Level.Iteration)
    public void checkSteadyState() {
        if (polls > 0 && played < MIN_PLAYED_SHARE * polls) {
            throw new IllegalStateException("only " + played + " of " + polls + " polls played a frame: "
                    + jitter.stats());
        }
        polls = 0;
        played = 0;
    }

    @Benchmark
    public boolean inOrder() {
        return pushAndPoll(slot);
    }

    @Benchmark
    public boolean reordered() {
        long s = slot;
        int phase = (int) (s % 10);
        long seq = phase == 8 ? s + 1 : phase == 9 ? s - 1 : s;
        return pushAndPoll(seq);
    }

    /** Pushes packet {@code seq} arriving in the current slot, then polls at that instant. */
    private boolean pushAndPoll(long seq) {
        long now = T0 + slot * FRAME_NANOS;
        slot++;
        jitter.push((int) (seq & 0xFFFF), (seq * SAMPLES) & 0xFFFF_FFFFL, packet, RtpCodec.HEADER_SIZE, SAMPLES, now);
        boolean got = jitter.poll(now, frame);
        polls++;
        if (got && !frame.lost()) {
            played++;
        }
        return got;
    }
}
