package dev.gateway.media.endpoint;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.call.CallMedia;
import dev.gateway.media.g711.G711;
import dev.gateway.media.rtp.RtpCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
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

/**
 * The phone-side media of one call for one 20 ms frame, both directions, through the production classes without a
 * socket: ns per frame. It lives in {@code dev.gateway.media.endpoint} because the endpoint's constructor, socket
 * attachment and receive path are package-private; nothing is copied.
 *
 * <p>The call is built as the gateway builds it: a real {@link RtpEndpoint} (its {@code JitterPlayout},
 * {@code PhoneSender} and packetiser) as the phone leg of a real {@link CallMedia}, answered, with an echo agent
 * attached (the uplink sink keeps the caller's frame, a downlink source plays it back next tick, as the embedded
 * local agent does). The endpoint's two sockets are {@link EmbeddedChannel}s whose pipeline ends in
 * {@link Socket}: a sent {@code DatagramPacket} goes through the pipeline and is released where the socket's
 * outbound buffer would take it (on a plain JMH thread that buffer's entry would not be recycled as it is on an
 * event loop, 64 B per packet that production does not allocate). Per invocation:
 * <ol>
 *   <li>receive one 172-byte PCMU packet from a direct buffer: {@code RtpEndpoint.onRtp} (RTCP check, parse,
 *       source latch, SSRC, reception stats, payload-type dispatch, jitter push);</li>
 *   <li>{@link CallMedia#pace}: the echo's frame from the last tick, mixed, through the hold (pass-through once
 *       answered) into {@code RtpEndpoint.send}: G.711 encode, packetiser, a pooled direct buffer, the
 *       {@code DatagramPacket} envelope, the pipeline write;</li>
 *   <li>{@link CallMedia#tick}: the endpoint's play-out (jitter poll, G.711 decode), the tap, the echo's uplink
 *       sink, then the endpoint's housekeeping (media timeout; an RTCP report every 250th frame).</li>
 * </ol>
 * Left out: the socket itself (syscalls), Netty's inbound datagram and its buffer, and DTMF (no key is pressed).
 *
 * <p>Input is one second of {@link SpeechLikeSignal} as 50 packets, replayed in a loop with sequence numbers and
 * timestamps running on (and wrapping); rewriting them is two buffer stores per invocation. Time is synthetic:
 * invocation {@code i} is at {@code t0 + i * 20 ms}, and the engine's clock reads the same value. The tear-down of
 * each iteration fails the run unless every packet was received and every frame was sent to the phone, and at
 * least 95 % of the uplink frames carried the caller's audio (an idle jitter buffer cannot pass for a fast path);
 * it prints the thread's CPU time per frame ({@link CpuClock}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PhonePathBenchmark {
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final int PORT = 40_000;
    private static final int TELEPHONE_EVENT_PT = 101;
    private static final long FRAME_NANOS = AudioFrames.FRAME_NANOS;
    private static final long T0 = 1_000_000_000_000L;
    private static final int PACKETS = 50;
    private static final int OFFSET_SEQUENCE = 2;
    private static final int OFFSET_TIMESTAMP = 4;
    private static final double MIN_AUDIBLE_SHARE = 0.95;

    /** The negotiated law; PCMU is what Twilio offers first. {@code -p law=PCMA} measures A-law. */
    @Param({"PCMU"})
    public G711 law;

    private EmbeddedChannel rtp;
    private EmbeddedChannel rtcp;
    private RtpEndpoint endpoint;
    private CallMedia media;
    private final Echo echo = new Echo();
    private final Socket rtpSocket = new Socket();
    private final Socket rtcpSocket = new Socket();
    private ByteBuf[] packets;
    private InetSocketAddress sender;
    /** The engine's clock, ns: set before each invocation's work. */
    private long now;
    private long slot;
    private long frames;
    private RtpEndpointStats before;
    private final CpuClock cpu = new CpuClock();

    /** The embedded echo agent: the caller's frame, kept by the uplink sink, comes back down in the next tick. */
    private static final class Echo implements AudioWriter, FrameSource {
        private final short[] last = new short[N];
        private boolean fresh;
        long audible;

        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public void write(short[] pcm, int off, int len) {
            System.arraycopy(pcm, off, last, 0, N);
            fresh = true;
            for (int i = 0; i < N; i++) {
                if (last[i] != 0) {
                    audible++; // the signal's noise floor is never digital silence; an empty play-out is
                    break;
                }
            }
        }

        @Override
        public boolean read(long nowNanos, short[] out, int off) {
            System.arraycopy(last, 0, out, off, N);
            boolean f = fresh;
            fresh = false;
            return f;
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "echo";
        }
    }

    /** Where the socket would write: counts each datagram and releases it. */
    private static final class Socket extends ChannelOutboundHandlerAdapter {
        long datagrams;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            datagrams++;
            ReferenceCountUtil.release(msg); // the endpoint writes with the void promise: nothing to complete
        }
    }

    @Setup
    public void setUp() throws UnknownHostException {
        MediaEngineConfig config = new MediaEngineConfig("127.0.0.1", PORT, PORT + 19, 60_000, 20, 100, 1);
        MediaEngine engine = new MediaEngine(config, () -> now); // never started: no threads, no sockets
        rtp = new EmbeddedChannel(rtpSocket);
        rtcp = new EmbeddedChannel(rtcpSocket);
        endpoint = new RtpEndpoint(engine, rtp.eventLoop(), PORT, config);
        endpoint.attach(rtp, rtcp);
        byte[] phone = {(byte) 192, 0, 2, 10};
        // equal but distinct instances: the transport builds a new sender address per datagram
        InetSocketAddress sdpAddress = new InetSocketAddress(InetAddress.getByAddress(phone), 40_000);
        sender = new InetSocketAddress(InetAddress.getByAddress(phone), 40_000);
        now = T0 - FRAME_NANOS;
        endpoint.open(new MediaParams(law, TELEPHONE_EVENT_PT, 20, sdpAddress, true, true), new MediaListener() {
            @Override
            public void onDtmf(char digit) {
                throw new IllegalStateException("no key is pressed in this benchmark");
            }

            @Override
            public void onMediaTimeout(long silentMillis) {
                throw new IllegalStateException("media timeout after " + silentMillis + " ms");
            }
        });
        media = new CallMedia("bench", rtp.eventLoop(), endpoint, CallMedia.DEFAULT_HOLD_FRAMES, reason -> {
            throw new IllegalStateException(reason);
        });
        media.attachUplink(echo);
        media.attachDownlink(echo);
        media.answer();
        System.out.println("pipeline: " + media.pipeline());

        short[] speech = SpeechLikeSignal.frames(PACKETS);
        packets = new ByteBuf[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf p = ByteBufAllocator.DEFAULT.directBuffer(RtpCodec.HEADER_SIZE + N);
            RtpCodec.writeHeader(p, false, law.payloadType(), 0, 0, 0x7711_2233L);
            law.encode(speech, i * N, N, p);
            packets[i] = p;
        }
    }

    @TearDown
    public void tearDown() {
        for (ByteBuf p : packets) {
            p.release();
        }
        media.close();
        // not endpoint.close(): its port was never taken from the engine's pool
        rtp.finishAndReleaseAll();
        rtcp.finishAndReleaseAll();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        frames = 0;
        rtpSocket.datagrams = 0;
        echo.audible = 0;
        before = endpoint.stats();
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void checkSteadyState() {
        cpu.report("phone path", Math.max(1, frames));
        RtpEndpointStats after = endpoint.stats();
        long in = after.packetsIn() - before.packetsIn();
        long out = after.packetsOut() - before.packetsOut();
        long datagrams = rtpSocket.datagrams;
        if (in != frames || out != frames || datagrams != frames || echo.audible < MIN_AUDIBLE_SHARE * frames) {
            throw new IllegalStateException(frames + " frames: " + in + " packets in, " + out + " packets out, "
                    + datagrams + " RTP datagrams written, " + echo.audible + " frames of the caller's audio; " + after);
        }
    }

    /** One 20 ms frame: a packet in, then the call's tick (pace: echo to the phone; work: play-out to the echo). */
    @Benchmark
    public void frame() {
        long t = T0 + slot * FRAME_NANOS;
        now = t;
        ByteBuf packet = packets[(int) (slot % PACKETS)];
        packet.setShort(OFFSET_SEQUENCE, (int) (slot & 0xFFFF));
        packet.setInt(OFFSET_TIMESTAMP, (int) (slot * N));
        slot++;
        endpoint.onRtp(packet, sender);
        media.pace(t);
        media.tick(t);
        frames++;
    }
}
