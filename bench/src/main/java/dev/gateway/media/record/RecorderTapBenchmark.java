package dev.gateway.media.record;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.AudioWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The call recorder's two sides, per 20 ms frame (in the {@code record} package for its package-private parts, as
 * {@code PhonePathBenchmark} is in {@code endpoint}).
 *
 * <ul>
 *   <li>{@link #loopTaps}: what a call's event loop pays: {@link CallRecording#downlinkTap()} (pace phase) and
 *       {@link CallRecording#uplinkTap()} (work phase) of one tick, i.e. two 160-sample copies into the ring and
 *       the publish, through the production taps ({@code AudioStage} counters included). The benchmark then
 *       releases the slot as the writer would (one volatile write), so the ring never fills and no frame is
 *       dropped (checked after each iteration).</li>
 *   <li>{@link #writerOggOpus}: what a writer thread pays per frame for Ogg/Opus: stereo Opus at 8 kHz (48 kbit/s,
 *       complexity 3; @Param complexity) and the Ogg page assembly, CRC included, to a channel that discards.</li>
 *   <li>{@link #writerWav}: the same for WAV (little-endian packing, a write to /dev/null every 25 frames).</li>
 * </ul>
 *
 * Each iteration also prints the thread's CPU time per frame next to wall time ({@link CpuClock}): on the shared
 * machine the wall-time score grows with the load, the CPU time much less.
 *
 * <p>Input: two different stretches of {@link SpeechLikeSignal} for the two sides, cycled over 50 frames.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecorderTapBenchmark {
    private static final int N = SpeechLikeSignal.FRAME_SAMPLES;
    private static final int FRAMES = 50;

    /** Opus encoder complexity of {@link #writerOggOpus} (the recorder uses {@link OggOpusFile#COMPLEXITY}). */
    @Param({"3"})
    public int complexity;

    private final short[][] left = new short[FRAMES][];
    private final short[][] right = new short[FRAMES][];
    private final short[][] stereo = new short[FRAMES][2 * N];
    private CallRecording recording;
    private RecordingRing ring;
    private AudioWriter uplink;
    private AudioWriter downlink;
    private OggOpusFile ogg;
    private WavFile wav;
    private FileChannel devNull;
    private int i;
    private int wavFrames;
    private final CpuClock cpu = new CpuClock();
    private int iterationStart;

    @Setup
    public void setUp() throws IOException {
        short[] signal = SpeechLikeSignal.frames(3 * FRAMES);
        for (int f = 0; f < FRAMES; f++) {
            left[f] = java.util.Arrays.copyOfRange(signal, f * N, (f + 1) * N);
            right[f] = java.util.Arrays.copyOfRange(signal, (2 * FRAMES + f) * N, (2 * FRAMES + f + 1) * N);
            for (int s = 0; s < N; s++) {
                stereo[f][2 * s] = left[f][s];
                stereo[f][2 * s + 1] = right[f][s];
            }
        }
        recording = new CallRecording("bench", null, RecordingFormat.OGG_OPUS, 100, () -> {
            throw new AssertionError("the benchmark's ring must never fill");
        });
        ring = recording.ring();
        uplink = recording.uplinkTap();
        downlink = recording.downlinkTap();
        ogg = new OggOpusFile(new Discard(), complexity);
        ogg.begin();
        devNull = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        wav = new WavFile(devNull);
        wav.begin();
    }

    @Setup(Level.Iteration)
    public void startClock() {
        iterationStart = i;
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void check() {
        cpu.report("recorder frame", i - iterationStart);
        if (ring.published() != ring.consumed()) {
            throw new IllegalStateException("ring not drained: " + ring.published() + " vs " + ring.consumed());
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        ogg.release();
        devNull.close();
    }

    @Benchmark
    public long loopTaps() {
        int f = i++ % FRAMES;
        downlink.write(right[f], 0, N);
        uplink.write(left[f], 0, N);
        ring.release();
        return ring.consumed();
    }

    @Benchmark
    public int writerOggOpus() throws IOException {
        int f = i++ % FRAMES;
        ogg.write(stereo[f]);
        return f;
    }

    @Benchmark
    public int writerWav() throws IOException {
        int f = i++ % FRAMES;
        if (++wavFrames == 1_000_000) { // a fresh file before the 4 GiB cap (6.7 M frames) refuses frames
            wavFrames = 0;
            wav = new WavFile(devNull);
        }
        wav.write(stereo[f]);
        return f;
    }

    /** A channel that takes every byte and keeps none. */
    private static final class Discard implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
