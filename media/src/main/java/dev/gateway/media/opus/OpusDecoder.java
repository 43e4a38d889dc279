package dev.gateway.media.opus;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * A mono libopus decoder producing 16-bit PCM at 8, 12, 16, 24 or 48 kHz. Any Opus packet decodes at any of
 * these rates; libopus converts internally, so the room's Opus comes out at the phone's 8 kHz with no resampler.
 *
 * <p>RTP: Opus RTP timestamps run at 48 kHz whatever the output rate (RFC 7587 §4.1): a 20 ms packet is 960
 * ticks and decodes to {@code outputSampleRate() / 50} samples. This class knows no RTP; the depacketiser and
 * jitter buffer map ticks to frames and call {@link #conceal} for each missing one.
 *
 * <p>One decoder per received stream. Loop-confined, not thread-safe. It owns native memory (the libopus state
 * and two direct buffers): {@link #close()} it; closing twice is harmless, using it after close is an
 * {@link IllegalStateException}. Decoding and concealment copy through the two direct buffers made at construction
 * and call libopus with their addresses ({@link OpusNative}, JNA direct mapping): they allocate nothing.
 * Construction loads libopus once per process, see {@link LibOpus}.
 */
public final class OpusDecoder implements AutoCloseable {
    /** Longest packet accepted, in bytes; see {@link OpusEncoder#MAX_PACKET_BYTES}. */
    public static final int MAX_PACKET_BYTES = OpusEncoder.MAX_PACKET_BYTES;
    /** An Opus packet holds at most 120 ms (RFC 6716 §3.2.5). */
    private static final int MAX_PACKET_MS = 120;

    private final int sampleRate;
    private final int maxFrameSamples;
    /** Native-order direct buffers handed to libopus; always used at position 0 with absolute bulk copies. */
    private final ByteBuffer packet;
    private final ShortBuffer pcm;
    /** Native addresses of {@link #packet} and {@link #pcm}, which the fields keep alive. */
    private final long packetAddress;
    private final long pcmAddress;
    /** The libopus {@code OpusDecoder*}; 0 once closed. */
    private long state;

    /**
     * @param outputSampleRate 8000, 12000, 16000, 24000 or 48000 Hz
     * @throws IllegalArgumentException for any other rate
     * @throws IllegalStateException    if libopus cannot be loaded
     */
    public OpusDecoder(int outputSampleRate) {
        checkRate(outputSampleRate);
        LibOpus.ensureLoaded();
        this.sampleRate = outputSampleRate;
        this.maxFrameSamples = outputSampleRate * MAX_PACKET_MS / 1000;
        this.packet = ByteBuffer.allocateDirect(MAX_PACKET_BYTES);
        this.pcm = ByteBuffer.allocateDirect(2 * maxFrameSamples).order(ByteOrder.nativeOrder()).asShortBuffer();
        this.packetAddress = LibOpus.address(packet);
        this.pcmAddress = LibOpus.address(pcm);
        int[] error = new int[1];
        long created = OpusNative.opus_decoder_create(outputSampleRate, 1, error);
        if (error[0] != OpusException.OPUS_OK || created == 0) {
            throw new OpusException(error[0], "opus_decoder_create", "rate " + outputSampleRate);
        }
        this.state = created;
    }

    static void checkRate(int rate) {
        if (rate != 8000 && rate != 12000 && rate != 16000 && rate != 24000 && rate != 48000) {
            throw new IllegalArgumentException("Opus sample rate must be 8000, 12000, 16000, 24000 or 48000 Hz, got "
                    + rate);
        }
    }

    /** The output rate in Hz; 20 ms is {@code outputSampleRate() / 50} samples. */
    public int outputSampleRate() {
        return sampleRate;
    }

    /**
     * Decodes one packet into {@code pcm[pcmOff..]}.
     *
     * @param frameSamples room in {@code pcm}, in samples: at least the packet's duration (use 120 ms to accept
     *                     anything), at most 120 ms
     * @return samples decoded: the packet's duration at the output rate
     * @throws IllegalArgumentException for an empty or over-long packet or ranges outside the arrays
     * @throws OpusException            if libopus rejects the packet ({@code OPUS_INVALID_PACKET}) or it is
     *                                  longer than {@code frameSamples} ({@code OPUS_BUFFER_TOO_SMALL})
     */
    public int decode(byte[] packet, int off, int len, short[] pcm, int pcmOff, int frameSamples) {
        return finish(decodeOrError(packet, off, len, pcm, pcmOff, frameSamples), "opus_decode", pcm, pcmOff,
                frameSamples);
    }

    /**
     * {@link #decode}, but a packet libopus refuses is a result, not an exception: for a stream whose packets come
     * from someone else (a room track), where a corrupt one must cost a counter, not a stack trace.
     *
     * @return samples decoded, or the negative libopus error ({@link OpusException#OPUS_INVALID_PACKET},
     *         {@link OpusException#OPUS_BUFFER_TOO_SMALL}); nothing is written to {@code pcm} then
     * @throws IllegalArgumentException for an empty or over-long packet or ranges outside the arrays
     */
    public int tryDecode(byte[] packet, int off, int len, short[] pcm, int pcmOff, int frameSamples) {
        int n = decodeOrError(packet, off, len, pcm, pcmOff, frameSamples);
        return n < 0 ? n : finish(n, "opus_decode", pcm, pcmOff, frameSamples);
    }

    private int decodeOrError(byte[] packet, int off, int len, short[] pcm, int pcmOff, int frameSamples) {
        long st = open();
        checkPacket(packet, off, len);
        checkOutput(pcm, pcmOff, frameSamples);
        this.packet.put(0, packet, off, len);
        return call(st, packetAddress, len, frameSamples, 0);
    }

    /**
     * Fills in a lost frame of {@code frameSamples} samples. If the packet after the gap has arrived, pass it:
     * its in-band FEC (a low-bitrate copy of the lost frame, present when the sender enabled FEC and expected
     * loss) is decoded ({@code decode_fec = 1}); libopus falls back to concealment when it carries none. With
     * {@code null} this is packet-loss concealment. Either way the next packet must still be passed to
     * {@link #decode} afterwards.
     *
     * @param frameSamples the duration lost, a multiple of 2.5 ms at the output rate (160 for 20 ms at 8 kHz)
     * @return samples produced: {@code frameSamples}
     */
    public int conceal(byte[] nextPacketOrNull, int off, int len, short[] pcm, int pcmOff, int frameSamples) {
        long st = open();
        checkOutput(pcm, pcmOff, frameSamples);
        if (frameSamples % (sampleRate / 400) != 0) {
            throw new IllegalArgumentException("concealed duration must be a multiple of 2.5 ms ("
                    + sampleRate / 400 + " samples), got " + frameSamples);
        }
        int n;
        if (nextPacketOrNull == null) {
            n = call(st, 0, 0, frameSamples, 0);
        } else {
            checkPacket(nextPacketOrNull, off, len);
            packet.put(0, nextPacketOrNull, off, len);
            n = call(st, packetAddress, len, frameSamples, 1);
        }
        return finish(n, nextPacketOrNull == null ? "opus_decode(PLC)" : "opus_decode(FEC)", pcm, pcmOff,
                frameSamples);
    }

    /**
     * Returns the decoder to its freshly created state ({@code OPUS_RESET_STATE}): the next packet decodes as a
     * stream's first, with no history of the audio before it. Allocates nothing.
     */
    public void reset() {
        int rc = OpusNative.opus_decoder_ctl(open(), LibOpus.OPUS_RESET_STATE);
        Reference.reachabilityFence(this);
        if (rc != OpusException.OPUS_OK) {
            throw new OpusException(rc, "opus_decoder_ctl", "reset state");
        }
    }

    /**
     * {@code opus_decode(st, data, len, pcm, frameSamples, decodeFec)}; data 0 means a lost packet. The fence keeps
     * this object, and with it the direct buffers behind the two addresses, reachable until libopus returns.
     */
    private int call(long st, long data, int len, int frameSamples, int decodeFec) {
        int n = OpusNative.opus_decode(st, data, len, pcmAddress, frameSamples, decodeFec);
        Reference.reachabilityFence(this);
        return n;
    }

    private int finish(int n, String operation, short[] out, int outOff, int frameSamples) {
        if (n < 0) {
            throw new OpusException(n, operation, "room for " + frameSamples + " samples at " + sampleRate + " Hz");
        }
        pcm.get(0, out, outOff, n);
        return n;
    }

    private static void checkPacket(byte[] packet, int off, int len) {
        if (len <= 0 || len > MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("packet length must be 1.." + MAX_PACKET_BYTES + ", got " + len);
        }
        OpusEncoder.checkRange("packet", packet.length, off, len);
    }

    private void checkOutput(short[] out, int outOff, int frameSamples) {
        if (frameSamples <= 0 || frameSamples > maxFrameSamples) {
            throw new IllegalArgumentException("frameSamples must be 1.." + maxFrameSamples + " (120 ms), got "
                    + frameSamples);
        }
        OpusEncoder.checkRange("pcm", out.length, outOff, frameSamples);
    }

    private long open() {
        if (state == 0) {
            throw new IllegalStateException("decoder closed");
        }
        return state;
    }

    /** Frees the libopus state. Idempotent. The direct buffers go with this object's garbage collection. */
    @Override
    public void close() {
        long st = state;
        if (st != 0) {
            state = 0;
            OpusNative.opus_decoder_destroy(st);
        }
    }

    @Override
    public String toString() {
        return "opus(decode " + sampleRate + " Hz)";
    }
}
