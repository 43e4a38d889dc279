package dev.gateway.bench.audio;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.PcmRing;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link PcmRing} write of one 20 ms frame (160 samples) followed by a read of 160, ns per (write + read). The
 * phone path does this twice per frame (inbound ring after decode, outbound ring before encode), so this shows
 * how much of {@code PhonePathBenchmark} the rings account for. The ring has the endpoint's inbound size (4096)
 * and holds a few frames, so reads and writes cross the wrap point now and then as they do in a call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PcmRingBenchmark {

    private static final int FRAME = SpeechLikeSignal.FRAME_SAMPLES;

    private final PcmRing ring = new PcmRing(4096);
    private short[] frame;
    private final short[] out = new short[FRAME];

    @Setup
    public void setUp() {
        frame = SpeechLikeSignal.frames(1);
        ring.write(frame, 0, FRAME); // one frame of backlog, like a jitter buffer that handed out two at once
    }

    @Benchmark
    public int writeThenRead(Blackhole bh) {
        ring.write(frame, 0, FRAME);
        int n = ring.read(out, 0, FRAME);
        bh.consume(out);
        return n;
    }
}
