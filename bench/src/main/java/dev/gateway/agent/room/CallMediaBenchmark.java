package dev.gateway.agent.room;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.call.CallMedia;
import dev.gateway.media.call.RtpLeg;
import dev.gateway.media.g711.G711;
import dev.gateway.media.g711.G711PayloadDecoder;
import dev.gateway.media.g711.G711Writer;
import dev.gateway.media.jitter.JitterPlayout;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.resample.PolyphaseResampler;
import dev.gateway.media.rtp.PacketOutput;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpPacketizer;
import dev.gateway.media.rtp.RtpParseResult;
import dev.gateway.media.rtp.RtpPayloadWriter;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One call's media for one 20 ms frame through a real {@link CallMedia}, without sockets: ns per frame. Every
 * stage is the production class; nothing is copied. It lives in {@code dev.gateway.agent.room} because the room
 * side ({@link RoomUplink}, {@link RoomDownlink}) is package-private in agent-core. {@code @Param uplinkCodec}:
 * the caller's track as the room's answer picks it, {@code opus} (encoded from the play-out) or {@code pcmu} (the
 * play-out re-encoded with the phone's law, which gives back the phone's bytes).
 *
 * <ul>
 *   <li>{@link #uplink}: one phone G.711 packet parsed ({@link RtpCodec#parse}) into the phone's
 *       {@link JitterPlayout}, then {@link CallMedia#tick}: play-out (jitter poll, G.711 decode) -> tap ->
 *       {@link RoomUplink} (level meter, Opus 8 kHz complexity 3 or G.711, {@link RtpPacketizer} with the audio-level
 *       extension) -> a {@link PacketOutput} that SRTP-protects and releases, as {@code PeerTransport.sendRtp}
 *       does before the channel write.</li>
 *   <li>{@link #downlink}: one room Opus packet (prepared inside the measured time: copy, sequence/timestamp and
 *       the SFU's protect, which is the SFU's work: see {@code SrtpBenchmark.protect}) unprotected, parsed and
 *       pushed into {@link RoomDownlink}, then {@link CallMedia#pace}: the track's play-out (jitter poll, Opus
 *       decode to 8 kHz), the mixer, the hold (pass-through once live) and the phone's send chain
 *       ({@link G711Writer} -> {@link RtpPacketizer} -> release, where the socket write would be).</li>
 *   <li>{@link #both}: one packet in each direction and the whole tick (pace then work), as per call per 20 ms.</li>
 *   <li>{@link #stageUplink}, {@link #stageRoomMix}, {@link #stagePhoneSend}: single stages, for the split.</li>
 * </ul>
 *
 * <p>Time is synthetic ({@code t0 + i * 20 ms}), packets arrive on time and in order. Each iteration's tear-down
 * fails the run unless every frame went out (uplink packets SRTP-protected, phone packets built) and at least 95 %
 * of downlink ticks carried room audio; it prints the thread's CPU time per frame ({@link CpuClock}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallMediaBenchmark {
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final int FRAMES = 50;
    private static final int BITRATE = 32_000;
    private static final int COMPLEXITY = 3;
    private static final long FRAME_NANOS = AudioFrames.FRAME_NANOS;
    private static final long T0 = 1_000_000_000_000L;
    private static final long REMOTE_SSRC = 0x5EED_0001L;
    private static final int OPUS_PT = WebRtcSdpWriter.OPUS_PT;

    /** What the caller's track is published as: {@code opus} (encoded) or {@code pcmu} (the phone's law). */
    @Param({"opus", "pcmu"})
    public String uplinkCodec;

    private CallMedia media;
    private BenchLeg leg;
    private RoomUplink uplink;
    private RoomDownlink downlink;
    private SrtpContext outbound;
    private SrtpContext inbound;
    private SrtpContext sfu;
    private final RtpHeader header = new RtpHeader();
    private byte[][] roomPackets;
    private byte[][] phonePackets;
    private ByteBuf roomDatagram;
    private ByteBuf phoneDatagram;
    private final short[] frame = new short[N];
    private short[] speech;
    private long slot;
    private long protectedBefore;
    private long audioBefore;
    private long phoneBefore;
    private long upFrames;
    private long paceFrames;
    private long phoneSends;
    private long mixes;
    private long srtpFailures;
    private final CpuClock cpu = new CpuClock();

    /** The phone leg from production parts: G.711 play-out in, G.711 writer + packetiser out, no socket. */
    static final class BenchLeg implements RtpLeg, PacketOutput {
        final JitterPlayout playout = new JitterPlayout(new G711PayloadDecoder(G711.PCMU, 1500), 20, 100, 1500);
        final RtpPacketizer packetizer = new RtpPacketizer(0x1234L, 0, 0, "gw-bench", 0);
        final G711Writer writer = new G711Writer(G711.PCMU, 480, new RtpPayloadWriter(packetizer, 0, 8000, 8000,
                ByteBufAllocator.DEFAULT, this, null, 0, System::currentTimeMillis)); // what the channel gives

        @Override
        public boolean playOut(long nowNanos, short[] out, int off) {
            return playout.read(nowNanos, out, off);
        }

        @Override
        public void send(short[] pcm, int off, int count) {
            writer.write(pcm, off, count);
        }

        @Override
        public void housekeeping(long nowNanos) {
        }

        @Override
        public String receivePath() {
            return "phone PCMU/8000 -> " + playout;
        }

        @Override
        public String sendPath() {
            return writer.toString();
        }

        @Override
        public void sendRtp(ByteBuf packet) {
            packet.release(); // where the RTP socket would write it
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            packet.release();
        }

        @Override
        public String toString() {
            return "udp";
        }
    }

    /** PeerTransport.sendRtp's work before the channel: SRTP protect, then release. */
    private final class Srtp implements PacketOutput {
        @Override
        public void sendRtp(ByteBuf packet) {
            packet.ensureWritable(SrtpContext.RTP_TRAILER_LENGTH);
            outbound.protectRtp(packet);
            packet.release();
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            packet.release();
        }

        @Override
        public String toString() {
            return "srtp";
        }
    }

    @Setup
    public void setUp() {
        outbound = new SrtpContext(bytes(16, 3), bytes(14, 5));
        inbound = new SrtpContext(bytes(16, 7), bytes(14, 11));
        sfu = new SrtpContext(bytes(16, 7), bytes(14, 11));
        speech = SpeechLikeSignal.frames(FRAMES);
        leg = new BenchLeg();
        media = new CallMedia("bench", null, leg, CallMedia.DEFAULT_HOLD_FRAMES, reason -> {
            throw new IllegalStateException(reason);
        });
        uplink = new RoomUplink(PooledByteBufAllocator.DEFAULT, BITRATE, COMPLEXITY, "gw-bench");
        uplink.start(uplinkCodec.equals("pcmu") ? new UplinkFormat(G711.PCMU, WebRtcSdpWriter.PCMU_PT)
                : new UplinkFormat(null, OPUS_PT)); // what the room's answer picks for a PCMU phone
        uplink.bind(new Srtp());
        downlink = new RoomDownlink("bench", 20, 100);
        media.attachUplink(uplink);
        media.attachDownlink(downlink);
        media.answer();

        short[] wide = new short[speech.length * PolyphaseResampler.FACTOR];
        PolyphaseResampler.upsampler().process(speech, 0, speech.length, wide, 0);
        roomPackets = new byte[FRAMES][];
        phonePackets = new byte[FRAMES][];
        byte[] opus = new byte[OpusEncoder.MAX_PACKET_BYTES];
        try (OpusEncoder publisher = new OpusEncoder(48000, BITRATE, 5, true, 5)) {
            for (int i = 0; i < FRAMES; i++) {
                int n = publisher.encode(wide, i * 960, 960, opus, 0, opus.length);
                roomPackets[i] = packet(OPUS_PT, REMOTE_SSRC, opus, n);
                byte[] g711 = new byte[N];
                G711.PCMU.encode(speech, i * N, N, g711, 0);
                phonePackets[i] = packet(0, 0x77L, g711, N);
            }
        }
        roomDatagram = Unpooled.directBuffer(1500);
        phoneDatagram = Unpooled.directBuffer(1500);
        // the first room packet creates the track (allocation, one log line): not part of a steady-state frame
        roomIn(T0 - FRAME_NANOS, -1);
        phoneIn(T0 - FRAME_NANOS, -1);
        System.out.println("pipeline: " + media.pipeline());
    }

    private static byte[] packet(int pt, long ssrc, byte[] payload, int length) {
        ByteBuf p = Unpooled.buffer();
        RtpCodec.writeHeader(p, false, pt, 0, 0, ssrc);
        p.writeBytes(payload, 0, length);
        byte[] bytes = new byte[p.readableBytes()];
        p.readBytes(bytes);
        p.release();
        return bytes;
    }

    @TearDown
    public void tearDown() {
        media.close();
        downlink.close();
        leg.playout.close();
        roomDatagram.release();
        phoneDatagram.release();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        upFrames = 0;
        paceFrames = 0;
        phoneSends = 0;
        mixes = 0;
        srtpFailures = 0;
        protectedBefore = outbound.stats().protectedPackets();
        audioBefore = media.stats().downlinkAudio();
        phoneBefore = leg.packetizer.packets();
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void check() {
        cpu.report("call media", Math.max(1, Math.max(upFrames, paceFrames + phoneSends + mixes)));
        long protectedNow = outbound.stats().protectedPackets() - protectedBefore;
        if (protectedNow < upFrames) {
            throw new IllegalStateException(upFrames + " uplink frames but " + protectedNow + " protected");
        }
        long audio = media.stats().downlinkAudio() - audioBefore;
        long phone = leg.packetizer.packets() - phoneBefore;
        if (srtpFailures > 0 || phone < paceFrames + phoneSends || audio < 0.95 * paceFrames) {
            throw new IllegalStateException(srtpFailures + " SRTP failures; " + audio + " of " + paceFrames
                    + " ticks with room audio; " + phone + " phone packets");
        }
    }

    @Benchmark
    public void uplink() {
        long now = T0 + slot * FRAME_NANOS;
        phoneIn(now, slot++);
        media.tick(now);
        upFrames++;
    }

    @Benchmark
    public void downlink() {
        long now = T0 + slot * FRAME_NANOS;
        roomIn(now, slot++);
        media.pace(now);
        paceFrames++;
    }

    /** A call per 20 ms: a packet from each side, then the tick (pace, then work). */
    @Benchmark
    public void both() {
        long now = T0 + slot * FRAME_NANOS;
        phoneIn(now, slot);
        roomIn(now, slot++);
        media.pace(now);
        media.tick(now);
        upFrames++;
        paceFrames++;
    }

    /** The uplink sink alone: level meter, Opus or G.711 encode, packetiser, SRTP. */
    @Benchmark
    public void stageUplink() {
        int f = (int) (slot++ % FRAMES);
        uplink.write(speech, f * N, N);
        upFrames++;
    }

    /** The room side alone: one packet in, the track's play-out and the mix. */
    @Benchmark
    public short stageRoomMix() {
        long now = T0 + slot * FRAME_NANOS;
        roomIn(now, slot++);
        downlink.read(now, frame, 0);
        mixes++;
        return frame[80];
    }

    /** The phone's send chain alone: G.711 encode, packetiser, release. */
    @Benchmark
    public void stagePhoneSend() {
        int f = (int) (slot++ % FRAMES);
        leg.send(speech, f * N, N);
        phoneSends++;
    }

    private void roomIn(long now, long s) {
        long seq = s + 1;
        ByteBuf buf = roomDatagram;
        buf.clear();
        buf.writeBytes(roomPackets[(int) (seq % FRAMES)]);
        buf.setShort(2, (int) (seq & 0xFFFF));
        buf.setInt(4, (int) (seq * 960));
        sfu.protectRtp(buf);
        if (inbound.unprotectRtp(buf) != SrtpResult.OK) {
            srtpFailures++;
            return;
        }
        if (RtpCodec.parse(buf, header) == RtpParseResult.OK) {
            downlink.onRtp(header, buf, OPUS_PT, now);
        }
    }

    private void phoneIn(long now, long s) {
        long seq = s + 1;
        ByteBuf buf = phoneDatagram;
        buf.clear();
        buf.writeBytes(phonePackets[(int) (seq % FRAMES)]);
        buf.setShort(2, (int) (seq & 0xFFFF));
        buf.setInt(4, (int) (seq * N));
        if (RtpCodec.parse(buf, header) == RtpParseResult.OK) {
            leg.playout.push(header.sequenceNumber(), header.timestamp(), buf, header.payloadIndex(),
                    header.payloadLength(), now);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 17);
        }
        return b;
    }
}
