package dev.gateway.agent.room;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.g711.G711;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.resample.PolyphaseResampler;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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
 * The room side of one call for one 20 ms frame, without the socket: ns per frame. It lives in
 * {@code dev.gateway.agent.room} (same package as agent-core's classes, in the bench jar) because
 * {@link RoomDownlink}, {@link TrackReceiver} and {@link AudioLevel} are package-private.
 *
 * <ul>
 *   <li>{@link #uplink}: {@code OpusUplink.send} with a ready transport, then {@code PeerTransport.sendRtp} up to
 *       the channel write: 160 samples of 8 kHz PCM -> {@link OpusEncoder} (8 kHz in, complexity 5, 32 kbit/s,
 *       FEC on, 5 % expected loss: the gateway's settings) -> {@link AudioLevel} -> a direct buffer from
 *       {@code PooledByteBufAllocator.DEFAULT} -> RTP header + RFC 6464 extension + payload ->
 *       {@code ensureWritable} + {@link SrtpContext#protectRtp} -> {@code release()} where the transport would
 *       hand the buffer to the channel. {@code OpusUplink} itself cannot be driven here: its {@code send} needs a
 *       connected {@code PeerTransport} (a final class with ICE and DTLS behind it), so this repeats its code
 *       line for line and has to be kept in step with it by hand.</li>
 *   <li>{@link #downlink}: one SRTP packet from the room's SFU in a direct buffer -> {@code RtpCodec.looksLikeRtcp}
 *       -> {@link SrtpContext#unprotectRtp} -> {@link RtpCodec#parse} -> {@link RoomDownlink#onRtp} (the track's
 *       {@code JitterBuffer(48000, 20, 100, 1500)} push), then the 20 ms tick: {@link RoomDownlink#mix}
 *       (jitter poll -> {@code OpusDecoder(8000)} -> {@code PcmRing} -> 32-bit mix -> 16-bit frame) and
 *       {@link G711#encode} of the 160 mixed samples into a reused direct buffer. This is the real
 *       {@code RoomDownlink}/{@code TrackReceiver} code; only {@code PeerTransport.onSrtp}'s three calls are
 *       repeated here.</li>
 *   <li>{@link #both}: uplink then downlink, one frame each way, as {@code RoomCall} does per 20 ms.</li>
 * </ul>
 *
 * <p><b>Input preparation inside the measured time (downlink):</b> each invocation copies the next pre-encoded
 * packet (~100 bytes) into the receive buffer, sets its sequence number and timestamp, and SRTP-protects it with
 * the SFU's context, because the receiver's replay window needs a new, correctly tagged packet every time. That
 * protect is the SFU's work, not the gateway's; its cost is measured alone by {@code SrtpBenchmark.protect}
 * (opus, direct) and subtracted in bench/README.md.
 *
 * <p>Input: one second of {@link SpeechLikeSignal}, cycled. The uplink encodes it at 8 kHz. The downlink packets
 * stand for another participant publishing 48 kHz Opus: the same signal up-sampled to 48 kHz and encoded once
 * at set-up (complexity 5, 32 kbit/s, FEC on), sent with an 8-byte audio-level extension, RTP timestamps
 * advancing 960 per packet. Time is synthetic ({@code t0 + i * 20 ms}), packets arrive on time and in order.
 * Each iteration's tear-down fails the run unless every unprotect succeeded, at least 95 % of ticks mixed real
 * track audio, and every uplink frame was protected with a plausible Opus packet size. It also prints the
 * thread's CPU time per frame next to wall time ({@link CpuClock}, lines starting {@code cpu-clock}), because on a
 * shared machine JMH's wall-clock score mostly measures the other processes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoomPathBenchmark {

    // OpusUplink's and the gateway's settings (Gateway: 32 kbit/s, complexity 5; config defaults 20..100 ms)
    private static final int FRAME_SAMPLES_8K = 160;
    private static final int RTP_TICKS_PER_FRAME = 960;
    private static final int EXTENSION_BYTES = 8;
    private static final int BITRATE = 32_000;
    private static final int COMPLEXITY = 5;
    private static final int EXPECTED_LOSS_PERCENT = 5;
    private static final int JITTER_MIN_MS = 20;
    private static final int JITTER_MAX_MS = 100;
    private static final int OPUS_PT = WebRtcSdpWriter.OPUS_PT;

    private static final int FRAMES = 50;
    private static final int DATAGRAM = 1500;
    private static final int OFFSET_SEQUENCE = 2;
    private static final int OFFSET_TIMESTAMP = 4;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    private static final long REMOTE_SSRC = 0x5EED_0001L;
    private static final double MIN_MIXED_SHARE = 0.95;

    // uplink, as OpusUplink and PeerTransport hold it
    private OpusEncoder encoder;
    private final byte[] encoded = new byte[512];
    private ByteBufAllocator alloc;
    private SrtpContext outbound;
    private final long ssrc = 0x0A0B_0C0DL;
    private int sequence = 0xFFF0;
    private long timestamp = 0xFFFF_0000L;
    private boolean first = true;

    // downlink, as PeerTransport (subscriber) and RoomCall hold it
    private SrtpContext inbound;
    private final RtpHeader header = new RtpHeader();
    private RoomDownlink downlink;
    private final short[] downlinkFrame = new short[TrackReceiver.FRAME_SAMPLES_8K];
    private ByteBuf phoneOut;

    // input
    private short[] speech;
    private int upFrame;
    private SrtpContext sfu;
    private byte[][] roomPackets;
    private ByteBuf datagram;
    private long slot;

    // checks
    private long upFrames;
    private long upBytes;
    private long protectedBefore;
    private long downFrames;
    private long mixedFrames;
    private long srtpFailures;
    private final CpuClock cpu = new CpuClock();

    @Setup
    public void setUp() {
        byte[] localKey = bytes(16, 3);
        byte[] localSalt = bytes(14, 5);
        byte[] remoteKey = bytes(16, 7);
        byte[] remoteSalt = bytes(14, 11);
        encoder = new OpusEncoder(8000, BITRATE, COMPLEXITY, true, EXPECTED_LOSS_PERCENT);
        alloc = PooledByteBufAllocator.DEFAULT;          // what RoomCall gives OpusUplink
        outbound = new SrtpContext(localKey, localSalt);
        inbound = new SrtpContext(remoteKey, remoteSalt);
        sfu = new SrtpContext(remoteKey, remoteSalt);
        downlink = new RoomDownlink("bench", JITTER_MIN_MS, JITTER_MAX_MS);
        phoneOut = Unpooled.directBuffer(RtpCodec.HEADER_SIZE + FRAME_SAMPLES_8K);

        speech = SpeechLikeSignal.frames(FRAMES);
        short[] wide = new short[speech.length * PolyphaseResampler.FACTOR];
        PolyphaseResampler.upsampler().process(speech, 0, speech.length, wide, 0);
        roomPackets = new byte[FRAMES][];
        byte[] opus = new byte[OpusEncoder.MAX_PACKET_BYTES];
        try (OpusEncoder publisher = new OpusEncoder(48000, BITRATE, COMPLEXITY, true, EXPECTED_LOSS_PERCENT)) {
            for (int i = 0; i < FRAMES; i++) {
                int n = publisher.encode(wide, i * 960, 960, opus, 0, opus.length);
                ByteBuf p = Unpooled.buffer(RtpCodec.HEADER_SIZE + EXTENSION_BYTES + n);
                RtpCodec.writeHeader(p, false, OPUS_PT, 0, 0, REMOTE_SSRC);
                p.setByte(0, p.getByte(0) | 0x10);
                p.writeShort(0xBEDE).writeShort(1).writeByte(WebRtcSdpWriter.AUDIO_LEVEL_EXT_ID << 4)
                        .writeByte(0x80 | 30).writeShort(0);
                p.writeBytes(opus, 0, n);
                roomPackets[i] = new byte[p.readableBytes()];
                p.readBytes(roomPackets[i]);
            }
        }
        datagram = Unpooled.directBuffer(DATAGRAM);
        // the first packet creates the track (allocation, one log line): not part of a steady-state frame
        receive(T0 - FRAME_NANOS, -1);
    }

    @TearDown
    public void tearDown() {
        encoder.close();
        downlink.close();
        datagram.release();
        phoneOut.release();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        upFrames = 0;
        upBytes = 0;
        protectedBefore = outbound.stats().protectedPackets();
        downFrames = 0;
        mixedFrames = 0;
        srtpFailures = 0;
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void check() {
        cpu.report("room path (" + (upFrames > 0 && downFrames > 0 ? "both" : upFrames > 0 ? "uplink" : "downlink")
                + ")", Math.max(upFrames, downFrames));
        long protectedNow = outbound.stats().protectedPackets() - protectedBefore;
        if (protectedNow != upFrames) {
            throw new IllegalStateException(upFrames + " uplink frames but " + protectedNow + " protected");
        }
        if (upFrames > 0 && (upBytes < 20L * upFrames || upBytes > 200L * upFrames)) {
            throw new IllegalStateException("uplink Opus packets average " + (double) upBytes / upFrames + " bytes");
        }
        if (srtpFailures > 0 || (downFrames > 0 && mixedFrames < MIN_MIXED_SHARE * downFrames)) {
            throw new IllegalStateException(srtpFailures + " SRTP failures; " + mixedFrames + " of " + downFrames
                    + " ticks mixed track audio; " + inbound.stats());
        }
    }

    @Benchmark
    public void uplink(Blackhole bh) {
        int f = upFrame;
        upFrame = f + 1 == FRAMES ? 0 : f + 1;
        send(speech, f * FRAME_SAMPLES_8K, bh);
    }

    @Benchmark
    public void downlink(Blackhole bh) {
        long now = T0 + slot * FRAME_NANOS;
        receive(now, slot);
        slot++;
        tick(now, bh);
    }

    /** RoomCall per 20 ms: the caller's frame up (OpusUplink.send), the room's mix down; one room packet in. */
    @Benchmark
    public void both(Blackhole bh) {
        int f = upFrame;
        upFrame = f + 1 == FRAMES ? 0 : f + 1;
        long now = T0 + slot * FRAME_NANOS;
        receive(now, slot);
        slot++;
        send(speech, f * FRAME_SAMPLES_8K, bh);
        tick(now, bh);
    }

    /** OpusUplink.send (transport ready) followed by PeerTransport.sendRtp up to the channel write. */
    private void send(short[] pcm, int offset, Blackhole bh) {
        int length = encoder.encode(pcm, offset, FRAME_SAMPLES_8K, encoded, 0, encoded.length);
        int level = AudioLevel.of(pcm, offset, FRAME_SAMPLES_8K);
        ByteBuf packet = alloc.directBuffer(RtpCodec.HEADER_SIZE + EXTENSION_BYTES + length + 16);
        int start = packet.writerIndex();
        RtpCodec.writeHeader(packet, first, OPUS_PT, sequence, timestamp, ssrc);
        packet.setByte(start, packet.getByte(start) | 0x10);
        packet.writeShort(0xBEDE);
        packet.writeShort(1);
        packet.writeByte(WebRtcSdpWriter.AUDIO_LEVEL_EXT_ID << 4);
        packet.writeByte((level < AudioLevel.VOICE_THRESHOLD ? 0x80 : 0) | level);
        packet.writeShort(0);
        packet.writeBytes(encoded, 0, length);
        // PeerTransport.sendRtp
        packet.ensureWritable(SrtpContext.RTP_TRAILER_LENGTH);
        outbound.protectRtp(packet);
        bh.consume(packet);
        packet.release(); // channel.writeAndFlush(new DatagramPacket(packet, remote)) would release it
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + RTP_TICKS_PER_FRAME) & 0xFFFF_FFFFL;
        upFrames++;
        upBytes += length;
    }

    /**
     * One room packet arrives: input preparation (copy, sequence/timestamp, the SFU's protect), then
     * PeerTransport.onSrtp and the subscriber listener (RoomCall -> RoomDownlink.onRtp).
     */
    private void receive(long now, long s) {
        long seq = s + 1; // s = -1 is the priming packet at set-up
        ByteBuf buf = datagram;
        buf.clear();
        buf.writeBytes(roomPackets[(int) (seq % FRAMES)]);
        buf.setShort(OFFSET_SEQUENCE, (int) (seq & 0xFFFF));
        buf.setInt(OFFSET_TIMESTAMP, (int) (seq * RTP_TICKS_PER_FRAME));
        sfu.protectRtp(buf);
        // PeerTransport.onSrtp
        if (RtpCodec.looksLikeRtcp(buf)) {
            srtpFailures++;
            return;
        }
        if (inbound.unprotectRtp(buf) != SrtpResult.OK) {
            srtpFailures++;
            return;
        }
        if (RtpCodec.parse(buf, header) == RtpParseResult.OK) {
            downlink.onRtp(header, buf, OPUS_PT, now);
        }
    }

    /** RoomCall's tick: the room's mix, handed to the phone leg, which G.711-encodes it for the caller. */
    private void tick(long now, Blackhole bh) {
        int active = downlink.mix(downlinkFrame, now);
        downFrames++;
        if (active > 0) {
            mixedFrames++;
        }
        phoneOut.clear();
        G711.PCMU.encode(downlinkFrame, 0, downlinkFrame.length, phoneOut);
        bh.consume(phoneOut);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 17);
        }
        return b;
    }
}
