package dev.gateway.media.opus;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * A libopus encoder ({@code OPUS_APPLICATION_VOIP}) fed 16-bit PCM at 8, 12, 16, 24 or 48 kHz, mono (the call
 * paths) or stereo (recordings: interleaved left/right, coded as two channels whatever the bitrate). libopus
 * band-limits and codes at the input rate itself, so the phone's 8 kHz audio goes in as it is, with no resampler.
 *
 * <p>RTP: whatever the input rate, Opus RTP timestamps run at 48 kHz (RFC 7587 §4.1), so a 20 ms packet advances
 * the timestamp by 960 even when it was encoded from 160 samples at 8 kHz. This class knows no RTP; the packetiser
 * does that arithmetic.
 *
 * <p>One encoder per call direction. Loop-confined, not thread-safe. It owns native memory (the libopus state
 * and two direct buffers): {@link #close()} it; closing twice is harmless, using it after close is an
 * {@link IllegalStateException}. {@link #encode} copies through the two direct buffers made at construction and
 * calls libopus with their addresses ({@link OpusNative}, JNA direct mapping): it allocates nothing. Construction
 * loads libopus once per process, see {@link LibOpus}.
 */
public final class OpusEncoder implements AutoCloseable {
    /** Room for one packet: more than 60 ms at the 510 kbit/s maximum; RFC 6716 caps one frame at 1275 bytes. */
    public static final int MAX_PACKET_BYTES = 4000;
    private static final int MAX_FRAME_MS = 60;

    private final int sampleRate;
    private final int channels;
    /** Native-order direct buffers handed to libopus; always used at position 0 with absolute bulk copies. */
    private final ShortBuffer pcm;
    private final ByteBuffer packet;
    /** Native addresses of {@link #pcm} and {@link #packet}, which the fields keep alive. */
    private final long pcmAddress;
    private final long packetAddress;
    /** The libopus {@code OpusEncoder*}; 0 once closed. */
    private long state;

    /**
     * @param inputSampleRate     8000, 12000, 16000, 24000 or 48000 Hz
     * @param bitrate             bits per second, 500..512000 (e.g. 32000)
     * @param complexity          0..10: CPU against quality (DESIGN.md has the measured costs)
     * @param inbandFec           carry a low-bitrate copy of the previous frame (SILK LBRR) for
     *                            {@link OpusDecoder#conceal}; only takes effect with {@code expectedLossPercent > 0}
     * @param expectedLossPercent 0..100, the packet loss the encoder should plan for
     * @throws IllegalArgumentException for values outside these ranges
     * @throws IllegalStateException    if libopus cannot be loaded
     * @throws OpusException            if libopus refuses the settings
     */
    public OpusEncoder(int inputSampleRate, int bitrate, int complexity, boolean inbandFec, int expectedLossPercent) {
        this(inputSampleRate, 1, bitrate, complexity, inbandFec, expectedLossPercent);
    }

    /**
     * An encoder of {@code channels} channels; with 2, {@link #encode} takes interleaved samples (left, right, ...)
     * and {@code OPUS_SET_FORCE_CHANNELS} keeps both channels coded (libopus would otherwise fold low-bitrate stereo
     * into mono, mixing a recording's two sides).
     *
     * @param channels 1 or 2; the other parameters as in the mono constructor
     */
    public OpusEncoder(int inputSampleRate, int channels, int bitrate, int complexity, boolean inbandFec,
                       int expectedLossPercent) {
        this(inputSampleRate, channels, bitrate, complexity, inbandFec, expectedLossPercent, false);
    }

    /**
     * As above; with {@code waveform} the encoder runs CELT only ({@code OPUS_APPLICATION_RESTRICTED_LOWDELAY}), a
     * transform coder whose output follows the input's waveform (recordings checked by correlation), instead of
     * SILK's speech model.
     */
    public OpusEncoder(int inputSampleRate, int channels, int bitrate, int complexity, boolean inbandFec,
                       int expectedLossPercent, boolean waveform) {
        OpusDecoder.checkRate(inputSampleRate);
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels must be 1 or 2, got " + channels);
        }
        if (bitrate < 500 || bitrate > 512_000) {
            throw new IllegalArgumentException("bitrate must be 500..512000 bit/s, got " + bitrate);
        }
        if (complexity < 0 || complexity > 10) {
            throw new IllegalArgumentException("complexity must be 0..10, got " + complexity);
        }
        if (expectedLossPercent < 0 || expectedLossPercent > 100) {
            throw new IllegalArgumentException("expectedLossPercent must be 0..100, got " + expectedLossPercent);
        }
        LibOpus.ensureLoaded();
        this.sampleRate = inputSampleRate;
        this.channels = channels;
        this.pcm = ByteBuffer.allocateDirect(2 * channels * inputSampleRate * MAX_FRAME_MS / 1000)
                .order(ByteOrder.nativeOrder()).asShortBuffer();
        this.packet = ByteBuffer.allocateDirect(MAX_PACKET_BYTES);
        this.pcmAddress = LibOpus.address(pcm);
        this.packetAddress = LibOpus.address(packet);
        int[] error = new int[1];
        long created = OpusNative.opus_encoder_create(inputSampleRate, channels,
                waveform ? LibOpus.OPUS_APPLICATION_RESTRICTED_LOWDELAY : LibOpus.OPUS_APPLICATION_VOIP, error);
        if (error[0] != OpusException.OPUS_OK || created == 0) {
            throw new OpusException(error[0], "opus_encoder_create", "rate " + inputSampleRate);
        }
        this.state = created;
        try {
            ctl(LibOpus.OPUS_SET_BITRATE_REQUEST, bitrate, "bitrate");
            ctl(LibOpus.OPUS_SET_COMPLEXITY_REQUEST, complexity, "complexity");
            ctl(LibOpus.OPUS_SET_INBAND_FEC_REQUEST, inbandFec ? 1 : 0, "inband FEC");
            ctl(LibOpus.OPUS_SET_PACKET_LOSS_PERC_REQUEST, expectedLossPercent, "packet loss");
            if (!waveform) {
                ctl(LibOpus.OPUS_SET_SIGNAL_REQUEST, LibOpus.OPUS_SIGNAL_VOICE, "signal");
            }
            if (channels == 2) {
                ctl(LibOpus.OPUS_SET_FORCE_CHANNELS_REQUEST, 2, "force channels");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void ctl(int request, int value, String what) {
        int rc = OpusNative.opus_encoder_ctl(state, request, value);
        if (rc != OpusException.OPUS_OK) {
            throw new OpusException(rc, "opus_encoder_ctl", what + " " + value);
        }
    }

    /** An {@code OPUS_GET_*} value, e.g. {@link LibOpus#OPUS_GET_BITRATE_REQUEST}: what libopus really uses. */
    int get(int request) {
        int[] value = new int[1];
        int rc = OpusNative.opus_encoder_ctl(open(), request, value);
        if (rc != OpusException.OPUS_OK) {
            throw new OpusException(rc, "opus_encoder_ctl", "get " + request);
        }
        return value[0];
    }

    /** An {@code OPUS_SET_*} int request after construction, e.g. {@link LibOpus#OPUS_SET_DTX_REQUEST} in tests. */
    void set(int request, int value) {
        open();
        ctl(request, value, "request " + request);
    }

    /** The input rate in Hz; 20 ms is {@code inputSampleRate() / 50} samples. */
    public int inputSampleRate() {
        return sampleRate;
    }

    /** 1 or 2. */
    public int channels() {
        return channels;
    }

    /**
     * The encoder's delay ({@code OPUS_GET_LOOKAHEAD}), in samples at the input rate: a decoder's output lags the
     * input by this much (Ogg Opus's pre-skip, RFC 7845 §4.2, is this at 48 kHz). 52 at 8 kHz with libopus 1.1.
     */
    public int lookahead() {
        return get(LibOpus.OPUS_GET_LOOKAHEAD_REQUEST);
    }

    /**
     * Encodes one frame of {@code frameSamples} samples per channel from {@code pcm[offset..]} (interleaved when
     * stereo: {@code frameSamples * channels()} values) into {@code out[outOff..]}.
     *
     * @param frameSamples 2.5, 5, 10, 20, 40 or 60 ms at the input rate (160 for 20 ms at 8 kHz), per channel
     * @param maxBytes     room in {@code out} for the packet; at most {@link #MAX_PACKET_BYTES} are used
     * @return bytes written, > 0
     * @throws IllegalArgumentException for a frame size libopus does not take or ranges outside the arrays
     * @throws OpusException            if libopus fails, e.g. {@code OPUS_BUFFER_TOO_SMALL} for a tiny maxBytes
     */
    public int encode(short[] pcm, int offset, int frameSamples, byte[] out, int outOff, int maxBytes) {
        long st = open();
        checkFrame(frameSamples);
        int values = frameSamples * channels;
        checkRange("pcm", pcm.length, offset, values);
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
        }
        checkRange("out", out.length, outOff, maxBytes);
        this.pcm.put(0, pcm, offset, values);
        int n = OpusNative.opus_encode(st, pcmAddress, frameSamples, packetAddress,
                Math.min(maxBytes, MAX_PACKET_BYTES));
        Reference.reachabilityFence(this); // the direct buffers behind the addresses live until libopus returns
        if (n <= 0) {
            throw new OpusException(n, "opus_encode", frameSamples + " samples, " + maxBytes + " bytes of room");
        }
        packet.get(0, out, outOff, n);
        return n;
    }

    private void checkFrame(int frameSamples) {
        int quantum = sampleRate / 400; // 2.5 ms
        int q = frameSamples / quantum;
        boolean allowed = frameSamples % quantum == 0 && (q == 1 || q == 2 || q == 4 || q == 8 || q == 16 || q == 24);
        if (!allowed) {
            throw new IllegalArgumentException("frameSamples " + frameSamples + " is not 2.5/5/10/20/40/60 ms at "
                    + sampleRate + " Hz (20 ms = " + sampleRate / 50 + ")");
        }
    }

    static void checkRange(String name, int length, int offset, int count) {
        if (offset < 0 || count < 0 || offset > length - count) {
            throw new IllegalArgumentException(name + " range " + offset + "+" + count + " outside array of "
                    + length);
        }
    }

    private long open() {
        if (state == 0) {
            throw new IllegalStateException("encoder closed");
        }
        return state;
    }

    /** Frees the libopus state. Idempotent. The direct buffers go with this object's garbage collection. */
    @Override
    public void close() {
        long st = state;
        if (st != 0) {
            state = 0;
            OpusNative.opus_encoder_destroy(st);
        }
    }

    @Override
    public String toString() {
        return "opus(encode " + sampleRate + " Hz" + (channels == 2 ? " stereo" : "") + ")";
    }
}
