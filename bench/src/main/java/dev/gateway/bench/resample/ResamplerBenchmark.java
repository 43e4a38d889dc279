package dev.gateway.bench.resample;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.resample.PolyphaseResampler;
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
 * {@link PolyphaseResampler} streaming one 20 ms frame per invocation, ns per frame.
 *
 * <ul>
 *   <li>{@link #up8kTo48k}: 160 samples at 8 kHz in, 960 out (6 phases x 41 taps per input sample).</li>
 *   <li>{@link #down48kTo8k}: 960 samples at 48 kHz in, 160 out (the 241-tap filter once per kept sample).</li>
 * </ul>
 * Input: one second of {@link SpeechLikeSignal}, cycled frame by frame; the 48 kHz input is that signal
 * up-sampled once at set-up. The same resampler runs on across invocations (filter history carried over, as in
 * a call). Each iteration's tear-down fails the run unless every call returned exactly 960 / 160 samples.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResamplerBenchmark {

    private static final int FRAMES = 50;
    private static final int NARROW = SpeechLikeSignal.FRAME_SAMPLES;
    private static final int WIDE = NARROW * PolyphaseResampler.FACTOR;

    private short[] narrow;
    private short[] wide;
    private final short[] outWide = new short[WIDE];
    private final short[] outNarrow = new short[NARROW];
    private PolyphaseResampler up;
    private PolyphaseResampler down;
    private int upFrame;
    private int downFrame;
    private long calls;
    private long wrongCount;

    @Setup
    public void setUp() {
        narrow = SpeechLikeSignal.frames(FRAMES);
        wide = new short[narrow.length * PolyphaseResampler.FACTOR];
        PolyphaseResampler.upsampler().process(narrow, 0, narrow.length, wide, 0);
        up = PolyphaseResampler.upsampler();
        down = PolyphaseResampler.downsampler();
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (wrongCount > 0) {
            throw new IllegalStateException(wrongCount + " of " + calls + " calls returned the wrong sample count");
        }
        calls = 0;
    }

    @Benchmark
    public short[] up8kTo48k() {
        int f = upFrame;
        upFrame = f + 1 == FRAMES ? 0 : f + 1;
        int n = up.process(narrow, f * NARROW, NARROW, outWide, 0);
        count(n, WIDE);
        return outWide;
    }

    @Benchmark
    public short[] down48kTo8k() {
        int f = downFrame;
        downFrame = f + 1 == FRAMES ? 0 : f + 1;
        int n = down.process(wide, f * WIDE, WIDE, outNarrow, 0);
        count(n, NARROW);
        return outNarrow;
    }

    private void count(int n, int expected) {
        calls++;
        if (n != expected) {
            wrongCount++;
        }
    }
}
