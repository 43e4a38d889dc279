package dev.gateway.bench.opus;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.opus.OpusDecoder;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.resample.PolyphaseResampler;
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
 * libopus through {@link OpusEncoder} / {@link OpusDecoder}: one 20 ms mono frame per invocation, ns per frame.
 *
 * <ul>
 *   <li>{@link #encode8k}: 160 samples of 8 kHz PCM in (what {@code OpusUplink} feeds), {@code @Param complexity}
 *       1, 5, 10 (the gateway's default is 5).</li>
 *   <li>{@link #encode48k}: 960 samples of 48 kHz PCM in, complexity 5 (what a wide-band publisher would cost).</li>
 *   <li>{@link #decodeTo8k} / {@link #decodeTo48k}: one packet out to 160 / 960 samples. {@code @Param source}
 *       says which encoder made the packets: {@code 48k} (a 48 kHz publisher in the room, what the downlink
 *       receives) or {@code 8k} (the gateway's own uplink packets).</li>
 * </ul>
 * Every encoder is set up as {@code OpusUplink} sets it up: 32 kbit/s, in-band FEC on with 5 % expected loss
 * (FEC only takes effect with a loss figure above 0), VOIP application, voice signal.
 *
 * <p>Input: one second of {@link SpeechLikeSignal} (50 frames), cycled frame by frame; the 48 kHz input is the
 * same signal up-sampled once at set-up with {@link PolyphaseResampler}. Packets for the decoders are encoded at
 * set-up (complexity 5) and decoded in order, in a loop. Each iteration's tear-down fails the run unless every
 * invocation produced a packet of plausible size (encode) or a whole frame with some energy (decode).
 *
 * <p>Each iteration also prints the thread's CPU time per frame next to wall time ({@link CpuClock}).
 *
 * <p>libopus is called through JNA direct mapping with primitive arguments: B/op is ~0 (see bench/README.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpusBenchmark {

    static final int FRAMES = 50;
    static final int BITRATE = 32_000;
    static final int EXPECTED_LOSS_PERCENT = 5; // as OpusUplink: FEC needs a loss figure > 0 to be used
    static final int DEFAULT_COMPLEXITY = 5;
    static final int SAMPLES_8K = SpeechLikeSignal.FRAME_SAMPLES;
    static final int SAMPLES_48K = SAMPLES_8K * PolyphaseResampler.FACTOR;
    /** 32 kbit/s x 20 ms = 80 bytes on average; anything far outside means the encoder did not do its job. */
    static final double MIN_AVG_PACKET = 20;
    static final double MAX_AVG_PACKET = 200;

    /** The speech-like signal at 8 kHz and (up-sampled) at 48 kHz, 50 frames each. */
    static short[][] speech() {
        short[] narrow = SpeechLikeSignal.frames(FRAMES);
        PolyphaseResampler up = PolyphaseResampler.upsampler();
        short[] wide = new short[narrow.length * PolyphaseResampler.FACTOR];
        up.process(narrow, 0, narrow.length, wide, 0);
        return new short[][] {narrow, wide};
    }

    /** Counts packets and bytes; checks the average packet size at the end of each iteration. */
    abstract static class EncodeState {
        OpusEncoder encoder;
        short[] pcm;
        final byte[] out = new byte[OpusEncoder.MAX_PACKET_BYTES];
        int frame;
        long packets;
        long bytes;
        final CpuClock cpu = new CpuClock();

        abstract int rate();

        abstract int complexity();

        @Setup
        public void setUp() {
            short[][] s = speech();
            pcm = rate() == 8000 ? s[0] : s[1];
            encoder = new OpusEncoder(rate(), BITRATE, complexity(), true, EXPECTED_LOSS_PERCENT);
        }

        @TearDown
        public void tearDown() {
            encoder.close();
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            cpu.start();
        }

        @TearDown(Level.Iteration)
        public void check() {
            cpu.report("encode " + rate() + " Hz complexity " + complexity(), packets);
            double avg = packets == 0 ? 0 : (double) bytes / packets;
            if (packets > 0 && (avg < MIN_AVG_PACKET || avg > MAX_AVG_PACKET)) {
                throw new IllegalStateException("average packet " + avg + " bytes over " + packets + " packets");
            }
            packets = 0;
            bytes = 0;
        }

        int encodeNext() {
            int samples = rate() / 50;
            int n = encoder.encode(pcm, frame * samples, samples, out, 0, out.length);
            frame = frame + 1 == FRAMES ? 0 : frame + 1;
            packets++;
            bytes += n;
            return n;
        }
    }

    @State(Scope.Thread)
    public static class Encode8k extends EncodeState {
        /** libopus complexity 0..10. */
        @Param({"1", "5", "10"})
        public int complexity;

        @Override
        int rate() {
            return 8000;
        }

        @Override
        int complexity() {
            return complexity;
        }
    }

    @State(Scope.Thread)
    public static class Encode48k extends EncodeState {
        @Override
        int rate() {
            return 48000;
        }

        @Override
        int complexity() {
            return DEFAULT_COMPLEXITY;
        }
    }

    @State(Scope.Thread)
    public static class Decode {
        /** Which input rate the packets were encoded from. */
        @Param({"48k", "8k"})
        public String source;

        byte[][] packets;
        int[] lengths;
        OpusDecoder to8k;
        OpusDecoder to48k;
        final short[] pcm = new short[SAMPLES_48K];
        int next;
        long frames;
        long good;
        final CpuClock cpu = new CpuClock();

        @Setup
        public void setUp() {
            short[][] s = speech();
            int rate = "8k".equals(source) ? 8000 : 48000;
            short[] in = rate == 8000 ? s[0] : s[1];
            int samples = rate / 50;
            packets = new byte[FRAMES][];
            lengths = new int[FRAMES];
            try (OpusEncoder enc = new OpusEncoder(rate, BITRATE, DEFAULT_COMPLEXITY, true, EXPECTED_LOSS_PERCENT)) {
                byte[] out = new byte[OpusEncoder.MAX_PACKET_BYTES];
                for (int i = 0; i < FRAMES; i++) {
                    int n = enc.encode(in, i * samples, samples, out, 0, out.length);
                    packets[i] = java.util.Arrays.copyOf(out, n);
                    lengths[i] = n;
                }
            }
            to8k = new OpusDecoder(8000);
            to48k = new OpusDecoder(48000);
        }

        @TearDown
        public void tearDown() {
            to8k.close();
            to48k.close();
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            cpu.start();
        }

        @TearDown(Level.Iteration)
        public void check() {
            cpu.report("decode (packets from " + source + ")", frames);
            // pauses in the signal decode to near-silence, so only most frames need energy
            if (frames > 0 && good < 0.5 * frames) {
                throw new IllegalStateException("only " + good + " of " + frames + " decoded frames were whole and"
                        + " not silent");
            }
            frames = 0;
            good = 0;
        }

        int decode(OpusDecoder decoder, int expected) {
            int i = next;
            next = i + 1 == FRAMES ? 0 : i + 1;
            int n = decoder.decode(packets[i], 0, lengths[i], pcm, 0, expected);
            frames++;
            // cheap check on one sample in eight: whole frame and not all zeros
            if (n == expected) {
                for (int k = 0; k < n; k += 8) {
                    if (pcm[k] != 0) {
                        good++;
                        break;
                    }
                }
            }
            return n;
        }
    }

    @Benchmark
    public int encode8k(Encode8k s) {
        return s.encodeNext();
    }

    @Benchmark
    public int encode48k(Encode48k s) {
        return s.encodeNext();
    }

    @Benchmark
    public int decodeTo8k(Decode s) {
        return s.decode(s.to8k, SAMPLES_8K);
    }

    @Benchmark
    public int decodeTo48k(Decode s) {
        return s.decode(s.to48k, SAMPLES_48K);
    }
}
