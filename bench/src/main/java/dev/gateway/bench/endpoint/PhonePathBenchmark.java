package dev.gateway.bench.endpoint;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.PcmRing;
import dev.gateway.media.dtmf.DtmfReceiver;
import dev.gateway.media.g711.G711;
import dev.gateway.media.jitter.JitterBuffer;
import dev.gateway.media.jitter.JitterFrame;
import dev.gateway.media.rtcp.ReceptionStats;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The phone-side media path of one call for one 20 ms frame, both directions, without the socket: ns per frame.
 *
 * <p>This mirrors {@code dev.gateway.media.endpoint.RtpEndpoint}'s receive path ({@code onRtp}) and its 20 ms
 * {@code tick} ({@code playOut} then {@code sendDue}), whose entry points are package-private. It calls the same
 * public pieces in the same order, with the endpoint's sizes (1500-byte jitter slots, 4096- and 16384-sample
 * rings) and the gateway's default jitter settings (20..100 ms). Per invocation:
 * <ol>
 *   <li>receive one 172-byte PCMU packet from a direct buffer: {@link RtpCodec#looksLikeRtcp},
 *       {@link RtpCodec#parse}, the source-address check, SSRC check, {@link ReceptionStats#onPacket},
 *       payload-type dispatch and {@link JitterBuffer#push};</li>
 *   <li>tick, play-out: {@link JitterBuffer#poll} until 160 samples are buffered, {@link G711#decode} of each
 *       frame into the inbound {@link PcmRing}, read 160 samples for the listener;</li>
 *   <li>the listener echoes them: written to the outbound {@link PcmRing} (what the embedded echo agent does);</li>
 *   <li>tick, send: a direct buffer from {@link ByteBufAllocator#DEFAULT} (what {@code rtpChannel.alloc()}
 *       returns), {@link RtpCodec#writeHeader}, 160 samples read from the outbound ring, {@link G711#encode}
 *       into the buffer, then {@code release()} where the endpoint would hand it to the channel.</li>
 * </ol>
 * Left out, because they need a channel or run rarely: the {@code DatagramPacket} envelope and the socket write
 * (the transport's cost), the RTCP report every 5 s, the media-timeout check, the DTMF send branch (no key is
 * queued) and source re-latching (the source never changes). The packet's sequence number and timestamp are
 * rewritten before each receive (two buffer stores), as input preparation.
 *
 * <p>Input is one second of {@link SpeechLikeSignal} as 50 PCMU packets, replayed in a loop with sequence
 * numbers and timestamps running on (and wrapping). Time is synthetic: invocation {@code i} is at
 * {@code t0 + i * 20 ms}. The tear-down of each iteration fails the run if fewer than 95 % of the frames
 * carried received audio, so an idle jitter buffer cannot pass for a fast path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PhonePathBenchmark {

    // the endpoint's constants (RtpEndpoint.FRAME_SAMPLES, MAX_PAYLOAD, ring sizes) and the default config
    private static final int FRAME_SAMPLES = 160;
    private static final int MAX_PAYLOAD = 1500;
    private static final int CLOCK_RATE = 8000;
    private static final int JITTER_MIN_MS = 20;
    private static final int JITTER_MAX_MS = 100;
    private static final int PTIME_MS = 20;
    private static final int TELEPHONE_EVENT_PT = 101;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    private static final int PACKETS = 50;
    private static final int OFFSET_SEQUENCE = 2;
    private static final int OFFSET_TIMESTAMP = 4;
    private static final double MIN_PLAYED_SHARE = 0.95;

    /** The negotiated law; PCMU is what Twilio offers first. {@code -p law=PCMA} measures A-law. */
    @Param({"PCMU"})
    public G711 law;

    // receive side, as RtpEndpoint holds it
    private final RtpHeader header = new RtpHeader();
    private JitterBuffer jitter;
    private final JitterFrame frame = new JitterFrame(MAX_PAYLOAD);
    private final ReceptionStats reception = new ReceptionStats();
    private final DtmfReceiver dtmfReceiver = new DtmfReceiver(digit -> { });
    private final PcmRing inbound = new PcmRing(4096);
    private final PcmRing outbound = new PcmRing(16384);
    private final short[] scratch = new short[MAX_PAYLOAD];
    private final short[] frameOut = new short[FRAME_SAMPLES];
    private InetSocketAddress sendTo;
    private long remoteSsrc = -1;

    // send side
    private ByteBufAllocator alloc;
    private final long ssrc = 0x0BAD_CAFEL;
    private int sequence = 0xFFF0;
    private long timestamp = 0xFFFF_F000L;
    private boolean firstPacket = true;

    // input and bookkeeping
    private ByteBuf[] packets;
    private InetSocketAddress sender;
    private long slot;
    private long frames;
    private long playedFrames;
    private long packetsIn;
    private long packetsOut;
    private long bytesIn;
    private long bytesOut;
    private long malformed;
    private long unexpectedPayload;

    @Setup
    public void setUp() throws UnknownHostException {
        jitter = new JitterBuffer(CLOCK_RATE, JITTER_MIN_MS, JITTER_MAX_MS, MAX_PAYLOAD);
        alloc = ByteBufAllocator.DEFAULT;
        byte[] phone = {(byte) 192, 0, 2, 10};
        // equal but distinct instances: the transport builds a new sender address per datagram
        sendTo = new InetSocketAddress(InetAddress.getByAddress(phone), 40_000);
        sender = new InetSocketAddress(InetAddress.getByAddress(phone), 40_000);
        short[] speech = SpeechLikeSignal.frames(PACKETS);
        packets = new ByteBuf[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf p = alloc.directBuffer(RtpCodec.HEADER_SIZE + FRAME_SAMPLES);
            RtpCodec.writeHeader(p, false, law.payloadType(), 0, 0, 0x7711_2233L);
            law.encode(speech, i * FRAME_SAMPLES, FRAME_SAMPLES, p);
            packets[i] = p;
        }
    }

    @TearDown
    public void tearDown() {
        for (ByteBuf p : packets) {
            p.release();
        }
    }

    @TearDown(Level.Iteration)
    public void checkSteadyState() {
        if (frames > 0 && playedFrames < MIN_PLAYED_SHARE * frames) {
            throw new IllegalStateException("only " + playedFrames + " of " + frames + " frames carried audio: "
                    + jitter.stats());
        }
        frames = 0;
        playedFrames = 0;
    }

    /** One 20 ms frame: a packet in, a tick (play-out, echo, send). */
    @Benchmark
    public void frame(Blackhole bh) {
        long now = T0 + slot * FRAME_NANOS;
        ByteBuf packet = packets[(int) (slot % PACKETS)];
        packet.setShort(OFFSET_SEQUENCE, (int) (slot & 0xFFFF));
        packet.setInt(OFFSET_TIMESTAMP, (int) (slot * FRAME_SAMPLES));
        slot++;
        onRtp(packet, sender, now);
        tick(now, bh);
    }

    /** RtpEndpoint.onRtp for a latched source. */
    private void onRtp(ByteBuf buf, InetSocketAddress from, long now) {
        if (RtpCodec.looksLikeRtcp(buf) || RtpCodec.parse(buf, header) != RtpParseResult.OK) {
            malformed++;
            return;
        }
        if (!from.equals(sendTo)) {
            throw new IllegalStateException("source changed: " + from); // never: the source is fixed here
        }
        if (header.ssrc() != remoteSsrc) {
            remoteSsrc = header.ssrc();
            reception.reset(remoteSsrc);
        }
        packetsIn++;
        bytesIn += header.payloadLength();
        reception.onPacket(header.sequenceNumber(), header.timestamp(), now, CLOCK_RATE);
        int pt = header.payloadType();
        if (pt == TELEPHONE_EVENT_PT) {
            dtmfReceiver.onPacket(header.timestamp(), header.marker(), buf, header.payloadIndex(),
                    header.payloadLength());
        } else if (pt == law.payloadType()) {
            jitter.push(header.sequenceNumber(), header.timestamp(), buf, header.payloadIndex(),
                    header.payloadLength(), now);
        } else {
            unexpectedPayload++;
        }
    }

    /** RtpEndpoint.tick: play-out to the listener (which echoes), then send one packet (ptime 20 ms). */
    private void tick(long now, Blackhole bh) {
        while (inbound.size() < FRAME_SAMPLES && jitter.poll(now, frame)) {
            if (frame.lost()) {
                inbound.writeSilence(Math.min(frame.samples(), MAX_PAYLOAD));
            } else {
                int n = Math.min(frame.length(), scratch.length);
                law.decode(frame.payload(), 0, n, scratch, 0);
                inbound.write(scratch, 0, n);
            }
        }
        int real = inbound.read(frameOut, 0, FRAME_SAMPLES);
        frames++;
        if (real == FRAME_SAMPLES) {
            playedFrames++;
        }
        onAudio(frameOut, 0, FRAME_SAMPLES);
        sendDue(bh);
    }

    /** The listener: the embedded echo agent sends the caller's audio straight back. */
    private void onAudio(short[] pcm, int offset, int count) {
        outbound.write(pcm, offset, count);
    }

    /** RtpEndpoint.sendDue for ptime 20 ms with no DTMF queued: one packet per tick. */
    private void sendDue(Blackhole bh) {
        int samples = PTIME_MS * CLOCK_RATE / 1000;
        ByteBuf out = alloc.directBuffer(RtpCodec.HEADER_SIZE + samples);
        RtpCodec.writeHeader(out, firstPacket, law.payloadType(), sequence, timestamp, ssrc);
        firstPacket = false;
        outbound.read(scratch, 0, samples);
        law.encode(scratch, 0, samples, out);
        // emit(): the endpoint passes `out` to rtpChannel.writeAndFlush, which releases it after the write
        sequence = (sequence + 1) & 0xFFFF;
        packetsOut++;
        bytesOut += samples;
        bh.consume(out);
        out.release();
        timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
    }
}
