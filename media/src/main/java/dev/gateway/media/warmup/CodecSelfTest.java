package dev.gateway.media.warmup;

import dev.gateway.media.g711.G711;
import dev.gateway.media.jitter.JitterBuffer;
import dev.gateway.media.jitter.JitterFrame;
import dev.gateway.media.opus.OpusDecoder;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.LongSupplier;

/**
 * A short self-test through the real per-frame media classes, run once at start-up so that a fresh process has
 * loaded them, loaded and initialised the Opus native library, and let the JIT see the path before the first call:
 * <pre>
 *   RTP PCMU in -> parse -> jitter -> G.711 decode -> Opus encode (8 kHz, as the caller's track)
 *     -> RTP -> SRTP protect -> SRTP unprotect -> parse -> Opus decode (and one concealment) -> G.711 encode
 * </pre>
 * Time is synthetic (20 ms per frame, nothing sleeps); the signal is a 440 Hz tone so the encoder does real work.
 *
 * <p>Threading: neither thread-safe nor loop-confined: one instance, one thread, one {@link #run} call; never run it
 * on an event loop (it costs tens of milliseconds cold).
 */
public final class CodecSelfTest {
    private static final int RATE = 8000;
    private static final int FRAME = 160; // samples per 20 ms at 8 kHz
    private static final long FRAME_NANOS = 20_000_000L;
    private static final int PT_PCMU = 0;
    private static final int PT_OPUS = 111;

    private final ByteBufAllocator alloc;
    private final int opusBitrate;
    private final int opusComplexity;

    /** @param opusBitrate bit/s and {@code opusComplexity} 0..10 as the caller's track is encoded */
    public CodecSelfTest(ByteBufAllocator alloc, int opusBitrate, int opusComplexity) {
        this.alloc = alloc;
        this.opusBitrate = opusBitrate;
        this.opusComplexity = opusComplexity;
    }

    /**
     * Runs up to {@code frames} 20 ms frames through the path, stopping early once {@code clock} passes
     * {@code deadlineNanos} (a start-up on a starved machine must not wait for the whole self-test).
     *
     * @return the frames that came all the way back out (a few fewer than were put in: the jitter buffer's delay)
     * @throws IllegalStateException if a stage refused its input (SRTP authentication, RTP parse)
     */
    public int run(int frames, LongSupplier clock, long deadlineNanos) {
        short[] pcm = new short[FRAME];
        short[] decoded = new short[FRAME];
        byte[] opus = new byte[OpusEncoder.MAX_PACKET_BYTES];
        byte[] ulaw = new byte[FRAME];
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        SrtpContext sender = new SrtpContext(key, salt);
        SrtpContext receiver = new SrtpContext(key, salt);
        JitterBuffer jitter = new JitterBuffer(RATE, 20, 100, FRAME);
        JitterFrame frame = new JitterFrame(FRAME);
        RtpHeader header = new RtpHeader();
        int out = 0;
        try (OpusEncoder encoder = new OpusEncoder(RATE, opusBitrate, opusComplexity, true, 5);
             OpusDecoder decoder = new OpusDecoder(RATE)) {
            for (int i = 0; i < frames && clock.getAsLong() - deadlineNanos < 0; i++) {
                long now = i * FRAME_NANOS;
                tone(pcm, i);
                G711.PCMU.encode(pcm, 0, FRAME, ulaw, 0);
                ByteBuf in = alloc.directBuffer(RtpCodec.HEADER_SIZE + FRAME);
                try {
                    RtpCodec.writeHeader(in, false, PT_PCMU, i & 0xFFFF, (long) i * FRAME, 0x1234L);
                    in.writeBytes(ulaw);
                    expect(RtpCodec.parse(in, header) == RtpParseResult.OK, "RTP parse");
                    jitter.push(header.sequenceNumber(), header.timestamp(), in, header.payloadIndex(),
                            header.payloadLength(), now);
                } finally {
                    in.release();
                }
                if (!jitter.poll(now, frame) || frame.lost()) {
                    continue;
                }
                G711.PCMU.decode(frame.payload(), 0, frame.length(), pcm, 0);
                int n = encoder.encode(pcm, 0, FRAME, opus, 0, opus.length);
                ByteBuf rtp = alloc.directBuffer(RtpCodec.HEADER_SIZE + n + SrtpContext.RTP_TRAILER_LENGTH);
                try {
                    RtpCodec.writeHeader(rtp, false, PT_OPUS, out & 0xFFFF, (long) out * 960, 0x5678L);
                    rtp.writeBytes(opus, 0, n);
                    sender.protectRtp(rtp);
                    expect(receiver.unprotectRtp(rtp) == SrtpResult.OK, "SRTP unprotect");
                    expect(RtpCodec.parse(rtp, header) == RtpParseResult.OK, "SRTP-RTP parse");
                    rtp.getBytes(header.payloadIndex(), opus, 0, header.payloadLength());
                    if (out % 50 == 49) { // as if this packet had been late: FEC from it, then the packet itself
                        decoder.conceal(opus, 0, header.payloadLength(), decoded, 0, FRAME);
                    }
                    decoder.decode(opus, 0, header.payloadLength(), decoded, 0, FRAME);
                } finally {
                    rtp.release();
                }
                G711.PCMU.encode(decoded, 0, FRAME, ulaw, 0);
                out++;
            }
        }
        return out;
    }

    private static void tone(short[] pcm, int frame) {
        for (int i = 0; i < pcm.length; i++) {
            double t = (frame * (double) FRAME + i) / RATE;
            pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * t));
        }
    }

    private static void expect(boolean ok, String stage) {
        if (!ok) {
            throw new IllegalStateException("codec self-test: " + stage + " failed");
        }
    }
}
