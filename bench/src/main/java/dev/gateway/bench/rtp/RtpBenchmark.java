package dev.gateway.bench.rtp;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.g711.G711;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
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
 * RTP fixed-header parse and write for one 20 ms PCMU packet: 12 header bytes + 160 payload bytes = 172 bytes,
 * in ns per packet.
 *
 * <ul>
 *   <li>{@link #parse}: {@link RtpCodec#parse} of a prebuilt packet into a reused {@link RtpHeader} scratch. The
 *       buffer is direct (what Netty's datagram channels hand to the endpoint) or heap.</li>
 *   <li>{@link #writePacket}: what the send path does per packet: {@link RtpCodec#writeHeader} then the 160
 *       payload bytes copied in, into one reused buffer whose writer index is cleared each time; sequence number
 *       and timestamp advance as a sender's would.</li>
 * </ul>
 *
 * <p>State is per thread; nothing is allocated in the measured methods.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RtpBenchmark {

    private static final int PAYLOAD = SpeechLikeSignal.FRAME_SAMPLES;
    private static final int PACKET = RtpCodec.HEADER_SIZE + PAYLOAD;
    private static final long SSRC = 0x1234_5678L;

    /** Whether the packet buffers are direct or heap. */
    @Param({"direct", "heap"})
    public String buffer;

    private final RtpHeader header = new RtpHeader();
    private ByteBuf received;
    private ByteBuf outgoing;
    private byte[] payload;
    private int sequence = 0xFFF0; // wraps during the first iteration
    private long timestamp = 0xFFFF_F000L;

    @Setup
    public void setUp() {
        short[] pcm = SpeechLikeSignal.frames(1);
        payload = new byte[PAYLOAD];
        G711.PCMU.encode(pcm, 0, PAYLOAD, payload, 0);
        received = allocate();
        RtpCodec.writeHeader(received, false, G711.PCMU.payloadType(), 4711, 123_456_789L, SSRC);
        received.writeBytes(payload);
        if (received.readableBytes() != PACKET) {
            throw new IllegalStateException("packet is " + received.readableBytes() + " bytes, want " + PACKET);
        }
        outgoing = allocate();
    }

    private ByteBuf allocate() {
        return "direct".equals(buffer) ? Unpooled.directBuffer(PACKET, PACKET) : Unpooled.buffer(PACKET, PACKET);
    }

    @TearDown
    public void tearDown() {
        received.release();
        outgoing.release();
    }

    @Benchmark
    public RtpParseResult parse(Blackhole bh) {
        RtpParseResult result = RtpCodec.parse(received, header);
        bh.consume(header.sequenceNumber());
        bh.consume(header.timestamp());
        bh.consume(header.payloadIndex());
        bh.consume(header.payloadLength());
        return result;
    }

    @Benchmark
    public ByteBuf writePacket() {
        outgoing.clear();
        RtpCodec.writeHeader(outgoing, false, G711.PCMU.payloadType(), sequence, timestamp, SSRC);
        outgoing.writeBytes(payload, 0, PAYLOAD);
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + PAYLOAD) & 0xFFFF_FFFFL;
        return outgoing;
    }
}
