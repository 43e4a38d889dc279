package dev.gateway.agent.room;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.resample.PolyphaseResampler;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
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
 * One 20 ms downlink frame through the production {@link RoomDownlink}: the room's Opus RTP packets due in this
 * frame parsed ({@link RtpCodec#parse}) and pushed, then one {@link RoomDownlink#read} (each track's play-out:
 * jitter poll, Opus decode to 8 kHz or silence, then the mixer). ns per frame; run with {@code -prof gc} for B/op.
 * No SRTP (see {@code CallMediaBenchmark.downlink} for the whole path); it lives in {@code dev.gateway.agent.room}
 * because {@link RoomDownlink} is package-private.
 *
 * <ul>
 *   <li>{@link #speechOneTrack}: one track sending speech (48 kHz Opus, 32 kbit/s) every 20 ms.</li>
 *   <li>{@link #dtxSilenceOneTrack}: one silent track as a WebRTC sender with DTX sends it: per 400 ms, one
 *       comfort-noise frame (a real Opus frame of low-level noise), one TOC-only DTX packet, then nothing for
 *       360 ms (RFC 7587 §3.1.3; libwebrtc sends only the first DTX packet of a run).</li>
 *   <li>{@link #twoTracksOneSpeaking}: both tracks, the usual room with an agent speaking and another silent.</li>
 *   <li>{@link #twoTracksBothSpeaking}: two speech tracks, the summing mix.</li>
 * </ul>
 *
 * <p>B/op: the per-iteration CPU line allocates; measure allocation with {@code -jvmArgsAppend -Dbench.quiet=true}
 * and read the iterations before the last (the last one carries the trial's tear-down log lines).
 *
 * <p>Time is synthetic ({@code t0 + i * 20 ms}), packets arrive on time and in order. Written against the
 * {@link RoomDownlink} API that predates the DTX change, so the same class measures the old code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DownlinkBenchmark {
    private static final int FRAMES = 50;
    private static final int DTX_CYCLE = 20; // 400 ms between a DTX sender's comfort-noise updates
    private static final long FRAME_NANOS = AudioFrames.FRAME_NANOS;
    private static final long T0 = 1_000_000_000_000L;
    private static final int OPUS_PT = WebRtcSdpWriter.OPUS_PT;
    private static final long SPEAKER = 0x5EED_0001L;
    private static final long SILENT = 0x5EED_0002L;
    private static final long SECOND_SPEAKER = 0x5EED_0003L;
    /** {@code -Dbench.quiet=true}: no per-iteration lines, whose strings would count in {@code -prof gc}'s B/op. */
    private static final boolean QUIET = Boolean.getBoolean("bench.quiet");

    private final RtpHeader header = new RtpHeader();
    private final short[] out = new short[AudioFrames.SAMPLES_8K];
    private final CpuClock cpu = new CpuClock();
    private RoomDownlink downlink;
    private ByteBuf datagram;
    private byte[][] speech;
    private byte[] comfortNoise;
    private byte[] dtx;
    private long slot;
    private int silentSeq;
    private long frames;
    private long audible;

    @Setup(Level.Trial)
    public void setUp() {
        short[] pcm = SpeechLikeSignal.frames(FRAMES);
        short[] wide = new short[pcm.length * PolyphaseResampler.FACTOR];
        PolyphaseResampler.upsampler().process(pcm, 0, pcm.length, wide, 0);
        byte[] opus = new byte[OpusEncoder.MAX_PACKET_BYTES];
        speech = new byte[FRAMES][];
        try (OpusEncoder publisher = new OpusEncoder(48000, 32_000, 5, true, 5)) {
            for (int i = 0; i < FRAMES; i++) {
                int n = publisher.encode(wide, i * 960, 960, opus, 0, opus.length);
                speech[i] = java.util.Arrays.copyOf(opus, n);
            }
        }
        try (OpusEncoder publisher = new OpusEncoder(48000, 32_000, 5, true, 5)) {
            short[] noise = new short[960];
            Random random = new Random(7);
            int n = 0;
            for (int i = 0; i < 10; i++) { // settle the encoder on background noise (-60 dBFS)
                for (int k = 0; k < noise.length; k++) {
                    noise[k] = (short) (random.nextGaussian() * 30);
                }
                n = publisher.encode(noise, 0, 960, opus, 0, opus.length);
            }
            comfortNoise = java.util.Arrays.copyOf(opus, n);
            dtx = new byte[] {opus[0]}; // the TOC alone, same mode and duration
        }
        downlink = new RoomDownlink("bench", 20, 100);
        datagram = Unpooled.directBuffer(1500);
        slot = 0;
        // the first packet of each track creates it (allocation, one log line): not part of a steady-state frame
        long now = T0 - FRAME_NANOS;
        push(SPEAKER, -1, -960, speech[0], now);
        push(SECOND_SPEAKER, -1, -960, speech[0], now);
        push(SILENT, silentSeq++, -960, dtx, now);
        downlink.read(now, out, 0);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        frames = 0;
        audible = 0;
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (QUIET) {
            return;
        }
        cpu.report("downlink frame", frames);
        System.out.printf("audible frames %.1f %%%n", 100.0 * audible / Math.max(1, frames));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        downlink.close();
        datagram.release();
    }

    @Benchmark
    public boolean speechOneTrack() {
        long now = T0 + slot * FRAME_NANOS;
        speaker(SPEAKER, now);
        return frame(now);
    }

    @Benchmark
    public boolean dtxSilenceOneTrack() {
        long now = T0 + slot * FRAME_NANOS;
        silent(now);
        return frame(now);
    }

    @Benchmark
    public boolean twoTracksOneSpeaking() {
        long now = T0 + slot * FRAME_NANOS;
        speaker(SPEAKER, now);
        silent(now);
        return frame(now);
    }

    @Benchmark
    public boolean twoTracksBothSpeaking() {
        long now = T0 + slot * FRAME_NANOS;
        speaker(SPEAKER, now);
        speaker(SECOND_SPEAKER, now);
        return frame(now);
    }

    private boolean frame(long now) {
        boolean audio = downlink.read(now, out, 0);
        frames++;
        audible += audio ? 1 : 0;
        slot++;
        return audio;
    }

    private void speaker(long ssrc, long now) {
        push(ssrc, slot, slot * 960, speech[(int) (slot % FRAMES)], now);
    }

    private void silent(long now) {
        int phase = (int) (slot % DTX_CYCLE);
        if (phase == 0) {
            push(SILENT, silentSeq++, slot * 960, comfortNoise, now);
        } else if (phase == 1) {
            push(SILENT, silentSeq++, slot * 960, dtx, now);
        }
    }

    private void push(long ssrc, long seq, long ts, byte[] payload, long now) {
        ByteBuf buf = datagram;
        buf.clear();
        RtpCodec.writeHeader(buf, false, OPUS_PT, (int) (seq & 0xFFFF), ts & 0xFFFF_FFFFL, ssrc);
        buf.writeBytes(payload);
        if (RtpCodec.parse(buf, header) == RtpParseResult.OK) {
            downlink.onRtp(header, buf, OPUS_PT, now);
        }
    }
}
