package dev.gateway.bench.g711;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.g711.G711;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * G.711 decode and encode of one 20 ms frame (160 samples at 8 kHz), in ns per frame; samples per second is
 * {@code 160 / (ns * 1e-9)}. DESIGN.md's target is decode >= 1e9 samples/s per core, i.e. <= 160 ns per frame.
 *
 * <p>Input is one second of {@link SpeechLikeSignal} (50 frames); each invocation takes the next frame, so tables
 * are indexed the way speech indexes them rather than with one repeated value. The {@code ByteBuf} variants run
 * on a heap buffer (the array fast path in {@link G711}) and on a direct buffer (the per-byte path a received
 * Netty datagram would take).
 *
 * <p>State is per thread ({@link Scope#Thread}); nothing is allocated in the measured methods.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class G711Benchmark {

    private static final int FRAMES = 50;
    private static final int FRAME = SpeechLikeSignal.FRAME_SAMPLES;

    @Param({"PCMU", "PCMA"})
    public G711 law;

    private short[] pcm;
    private byte[] codes;
    private short[] pcmOut;
    private byte[] codesOut;
    private ByteBuf heapCodes;
    private ByteBuf directCodes;
    private ByteBuf heapOut;
    private ByteBuf directOut;
    private int offset;

    @Setup
    public void setUp() {
        pcm = SpeechLikeSignal.frames(FRAMES);
        codes = new byte[pcm.length];
        law.encode(pcm, 0, pcm.length, codes, 0);
        pcmOut = new short[FRAME];
        codesOut = new byte[FRAME];
        heapCodes = Unpooled.wrappedBuffer(codes.clone());
        directCodes = Unpooled.directBuffer(codes.length).writeBytes(codes);
        heapOut = Unpooled.buffer(FRAME, FRAME);
        directOut = Unpooled.directBuffer(FRAME, FRAME);
    }

    @TearDown
    public void tearDown() {
        heapCodes.release();
        directCodes.release();
        heapOut.release();
        directOut.release();
    }

    /** Offset of the next 160-sample frame, cycling through the second of input. */
    private int nextFrame() {
        int at = offset;
        offset = at + FRAME == pcm.length ? 0 : at + FRAME;
        return at;
    }

    @Benchmark
    public void decodeArray(Blackhole bh) {
        law.decode(codes, nextFrame(), FRAME, pcmOut, 0);
        bh.consume(pcmOut);
    }

    @Benchmark
    public void encodeArray(Blackhole bh) {
        law.encode(pcm, nextFrame(), FRAME, codesOut, 0);
        bh.consume(codesOut);
    }

    @Benchmark
    public void decodeHeapByteBuf(Blackhole bh) {
        law.decode(heapCodes, nextFrame(), FRAME, pcmOut, 0);
        bh.consume(pcmOut);
    }

    @Benchmark
    public void decodeDirectByteBuf(Blackhole bh) {
        law.decode(directCodes, nextFrame(), FRAME, pcmOut, 0);
        bh.consume(pcmOut);
    }

    @Benchmark
    public void encodeHeapByteBuf(Blackhole bh) {
        heapOut.clear();
        law.encode(pcm, nextFrame(), FRAME, heapOut);
        bh.consume(heapOut);
    }

    @Benchmark
    public void encodeDirectByteBuf(Blackhole bh) {
        directOut.clear();
        law.encode(pcm, nextFrame(), FRAME, directOut);
        bh.consume(directOut);
    }
}
