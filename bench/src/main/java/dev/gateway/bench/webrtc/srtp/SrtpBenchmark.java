package dev.gateway.bench.webrtc.srtp;

import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.g711.G711;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
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
 * {@link SrtpContext} (AES_CM_128_HMAC_SHA1_80) on one RTP packet per invocation, ns per packet.
 *
 * <ul>
 *   <li>{@link #protect}: {@code protectRtp} of the packet (encrypt payload, append the 10-byte tag). Before each
 *       call the writer index is moved back over the previous tag and the sequence number is advanced (two buffer
 *       stores, counted); the payload is not restored, so it is re-encrypted ciphertext, which costs AES-CM and
 *       HMAC-SHA1 exactly what plaintext costs.</li>
 *   <li>{@link #protectThenUnprotect}: the sender's {@code protectRtp} then the receiver's {@code unprotectRtp}
 *       (tag check, replay window, ROC estimate, decrypt, tag removed) of the same packet, which leaves it as
 *       plaintext again. {@code unprotectRtp} cannot be timed alone without a fresh, correctly tagged packet
 *       with a new sequence number per call (the replay window rejects repeats, and a pool big enough for
 *       millions of calls per second would be measured as cache misses), so unprotect is reported as
 *       {@code protectThenUnprotect - protect}.</li>
 * </ul>
 * {@code @Param packet}: {@code opus} is 120 bytes, as {@code OpusUplink} builds it: 12-byte header with X set,
 * an 8-byte RFC 8285 one-byte extension (audio level), 100 bytes of payload; {@code pcmu} is 172 bytes, a
 * 12-byte header and 160 bytes of PCMU. The payload bytes are PCMU-encoded {@link SpeechLikeSignal} in both
 * (content does not change the cost of either cipher). {@code @Param buffer}: {@code direct} is what the
 * transport sees (Netty's datagram buffers and {@code OpusUplink}'s pooled direct buffers; the context copies
 * those through one scratch array), {@code heap} is processed in its backing array.
 *
 * <p>Sequence numbers run on and wrap (the sender counts the ROC, the receiver estimates it). Each iteration's
 * tear-down fails the run unless every unprotect returned OK, the packet came back to its original plaintext,
 * and the context counted as many protected packets as there were invocations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpBenchmark {

    private static final int OFFSET_SEQUENCE = 2;
    private static final int OPUS_PAYLOAD = 100;
    private static final int EXTENSION_BYTES = 8;
    private static final long SSRC = 0x1234_5678L;

    /** Packet shape: {@code opus} (120 bytes, with extension) or {@code pcmu} (172 bytes). */
    @Param({"opus", "pcmu"})
    public String packet;

    /** {@code direct} or {@code heap} {@link ByteBuf}. */
    @Param({"direct", "heap"})
    public String buffer;

    private SrtpContext sender;
    private SrtpContext receiver;
    private ByteBuf buf;
    private byte[] plain;
    private int length;
    private int sequence;
    private long invocations;
    private long failures;
    private long protectedBefore;

    @Setup
    public void setUp() {
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0x11 * i + 3);
        }
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (0x2B * i + 7);
        }
        sender = new SrtpContext(key, salt);
        receiver = new SrtpContext(key, salt);

        short[] speech = SpeechLikeSignal.frames(1);
        ByteBuf t = Unpooled.buffer(256);
        RtpCodec.writeHeader(t, false, "opus".equals(packet) ? 111 : G711.PCMU.payloadType(), 0, 0, SSRC);
        int payload = SpeechLikeSignal.FRAME_SAMPLES;
        if ("opus".equals(packet)) {
            t.setByte(0, t.getByte(0) | 0x10);
            t.writeShort(0xBEDE).writeShort(1).writeByte(1 << 4).writeByte(0x80 | 20).writeShort(0);
            payload = OPUS_PAYLOAD;
        }
        G711.PCMU.encode(speech, 0, payload, t);
        length = t.readableBytes();
        if (length != ("opus".equals(packet) ? RtpCodec.HEADER_SIZE + EXTENSION_BYTES + OPUS_PAYLOAD : 172)) {
            throw new IllegalStateException("packet is " + length + " bytes");
        }
        plain = new byte[length];
        t.getBytes(0, plain);
        int capacity = length + SrtpContext.RTP_TRAILER_LENGTH;
        buf = "heap".equals(buffer) ? Unpooled.buffer(capacity, capacity) : Unpooled.directBuffer(capacity, capacity);
        buf.writeBytes(plain);
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        invocations = 0;
        failures = 0;
        protectedBefore = sender.stats().protectedPackets();
    }

    @TearDown(Level.Iteration)
    public void check() {
        long protectedNow = sender.stats().protectedPackets() - protectedBefore;
        if (protectedNow != invocations || failures > 0) {
            throw new IllegalStateException(invocations + " invocations, " + protectedNow + " protected, "
                    + failures + " unprotect failures: " + receiver.stats());
        }
    }

    @Benchmark
    public ByteBuf protect() {
        ByteBuf b = buf;
        b.writerIndex(length);
        b.setShort(OFFSET_SEQUENCE, sequence);
        sequence = (sequence + 1) & 0xFFFF;
        sender.protectRtp(b);
        invocations++;
        return b;
    }

    @Benchmark
    public SrtpResult protectThenUnprotect() {
        ByteBuf b = buf;
        b.setShort(OFFSET_SEQUENCE, sequence);
        sequence = (sequence + 1) & 0xFFFF;
        sender.protectRtp(b);
        SrtpResult r = receiver.unprotectRtp(b);
        invocations++;
        if (r != SrtpResult.OK) {
            failures++;
            b.writerIndex(length);
        }
        return r;
    }

    /** After the round trip the packet must be the original plaintext again (bar the sequence number). */
    @TearDown(Level.Iteration)
    public void checkPlaintext(org.openjdk.jmh.infra.BenchmarkParams params) {
        if (!params.getBenchmark().endsWith("protectThenUnprotect")) {
            return;
        }
        if (buf.readableBytes() != length) {
            throw new IllegalStateException("packet is " + buf.readableBytes() + " bytes after unprotect");
        }
        for (int i = RtpCodec.HEADER_SIZE; i < length; i++) {
            if (buf.getByte(i) != plain[i]) {
                throw new IllegalStateException("byte " + i + " differs after protect + unprotect");
            }
        }
    }
}
