package dev.gateway.media.g711;

import io.netty.buffer.ByteBuf;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * ITU-T G.711 log-PCM companding, μ-law ({@link #PCMU}) and A-law ({@link #PCMA}), table driven.
 *
 * <p>Each law is one 8-bit code per 16-bit linear sample. The code is sign-magnitude: a sign bit, a 3-bit
 * segment (exponent) and a 4-bit step (mantissa). On the wire μ-law codes are sent with all bits inverted and
 * A-law codes with the even bits inverted (XOR 0x55); the tables below already include that.
 * <pre>
 *    0   1   2   3   4   5   6   7
 *  +---+---+---+---+---+---+---+---+
 *  | S |  segment  |     step      |   S = 1 for positive samples (after the inversion above)
 *  +---+---+---+---+---+---+---+---+
 * </pre>
 *
 * <p>Results are bit-exact with the ITU-T G.191 Software Tool Library reference {@code g711.c}: linear samples
 * are 16-bit, left-justified (μ-law uses the top 14 bits, A-law the top 13); negative samples are quantised on
 * their one's complement, so -1 is treated as a negative zero. Decoding yields the middle of each quantisation
 * interval, as in G.711 Tables 1 and 2. μ-law has two zero codes: {@code 0xFF} (+0) and {@code 0x7F} (-0); both
 * decode to 0 and 0 encodes to {@code 0xFF}. Every other code, and every A-law code, survives
 * {@code encode(decode(code))} unchanged.
 *
 * <p>Both laws share one machinery: a 256-entry decode table and a 16,384-entry encode table indexed by the top
 * 14 bits of the sample (A-law ignores the lowest of them). The tables are built once, when the class loads,
 * from the two reference quantisers below; the hot path only indexes arrays and never allocates.
 *
 * <p>Thread-safe: immutable; all methods may be called from any thread.
 */
public enum G711 {
    /** μ-law, RTP static payload type 0 (RFC 3551). */
    PCMU(0, "PCMU", G711::ulawCompress, G711::ulawExpand),
    /** A-law, RTP static payload type 8 (RFC 3551). */
    PCMA(8, "PCMA", G711::alawCompress, G711::alawExpand);

    /** Encode-table index bits: the top 14 bits of a 16-bit sample. */
    private static final int ENCODE_SHIFT = 2;
    private static final int ENCODE_SIZE = 1 << (16 - ENCODE_SHIFT);

    private final int payloadType;
    private final String encodingName;
    /** code (0..255) -> linear sample. */
    private final short[] decodeTable = new short[256];
    /** (linear >> 2) & 0x3FFF -> code. */
    private final byte[] encodeTable = new byte[ENCODE_SIZE];

    G711(int payloadType, String encodingName, IntUnaryOperator compress, IntUnaryOperator expand) {
        this.payloadType = payloadType;
        this.encodingName = encodingName;
        for (int code = 0; code < 256; code++) {
            decodeTable[code] = (short) expand.applyAsInt(code);
        }
        for (int i = 0; i < ENCODE_SIZE; i++) {
            // the smallest sample whose top 14 bits are i; both quantisers ignore the two low bits
            int linear = (short) (i << ENCODE_SHIFT);
            encodeTable[i] = (byte) compress.applyAsInt(linear);
        }
    }

    /** The RTP static payload type: 0 for PCMU, 8 for PCMA. */
    public int payloadType() {
        return payloadType;
    }

    /** The SDP encoding name as registered ({@code "PCMU"}, {@code "PCMA"}). */
    public String encodingName() {
        return encodingName;
    }

    /** The law with RTP static payload type {@code pt}, or {@code null} when {@code pt} is neither 0 nor 8. */
    public static G711 ofPayloadType(int pt) {
        switch (pt) {
            case 0: return PCMU;
            case 8: return PCMA;
            default: return null;
        }
    }

    /** The law with SDP encoding name {@code name}, case-insensitive; {@code null} when unknown or null. */
    public static G711 ofEncodingName(String name) {
        if (name == null) {
            return null;
        }
        switch (name.toUpperCase(Locale.ROOT)) {
            case "PCMU": return PCMU;
            case "PCMA": return PCMA;
            default: return null;
        }
    }

    /** Decodes one code to a 16-bit linear sample. */
    public short decode(byte code) {
        return decodeTable[code & 0xFF];
    }

    /** Encodes one 16-bit linear sample to a code. */
    public byte encode(short linear) {
        return encodeTable[(linear >> ENCODE_SHIFT) & (ENCODE_SIZE - 1)];
    }

    /**
     * Decodes {@code count} codes starting at absolute index {@code srcIndex} of {@code src} into
     * {@code dst[dstOff .. dstOff + count)}. The buffer's indexes are unchanged. No allocation.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void decode(ByteBuf src, int srcIndex, int count, short[] dst, int dstOff) {
        Objects.checkFromIndexSize(dstOff, count, dst.length);
        if (src.hasArray()) {
            Objects.checkFromIndexSize(srcIndex, count, src.capacity());
            decode(src.array(), src.arrayOffset() + srcIndex, count, dst, dstOff);
            return;
        }
        short[] table = decodeTable;
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = table[src.getUnsignedByte(srcIndex + i)];
        }
    }

    /**
     * Encodes {@code src[srcOff .. srcOff + count)} and writes {@code count} codes at {@code dst}'s writer index,
     * advancing it (the buffer grows if it may). No allocation beyond what the buffer itself does to grow.
     */
    public void encode(short[] src, int srcOff, int count, ByteBuf dst) {
        Objects.checkFromIndexSize(srcOff, count, src.length);
        dst.ensureWritable(count);
        int writerIndex = dst.writerIndex();
        if (dst.hasArray()) {
            encode(src, srcOff, count, dst.array(), dst.arrayOffset() + writerIndex);
        } else {
            for (int i = 0; i < count; i++) {
                dst.setByte(writerIndex + i, encode(src[srcOff + i]));
            }
        }
        dst.writerIndex(writerIndex + count);
    }

    /** Decodes {@code src[srcOff .. srcOff + count)} into {@code dst[dstOff .. dstOff + count)}. No allocation. */
    public void decode(byte[] src, int srcOff, int count, short[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, count, src.length);
        Objects.checkFromIndexSize(dstOff, count, dst.length);
        short[] table = decodeTable;
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = table[src[srcOff + i] & 0xFF];
        }
    }

    /** Encodes {@code src[srcOff .. srcOff + count)} into {@code dst[dstOff .. dstOff + count)}. No allocation. */
    public void encode(short[] src, int srcOff, int count, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, count, src.length);
        Objects.checkFromIndexSize(dstOff, count, dst.length);
        byte[] table = encodeTable;
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = table[(src[srcOff + i] >> ENCODE_SHIFT) & (ENCODE_SIZE - 1)];
        }
    }

    // ---- Reference quantisers, used only to build the tables (G.711 §2 / G.191 g711.c behaviour) ----

    /** μ-law bias in 14-bit units: 33, so that segment ends fall on powers of two. */
    private static final int ULAW_BIAS = 33;
    /** Largest biased 14-bit μ-law magnitude: 8159 + 33. */
    private static final int ULAW_MAX = 0x1FFF;

    /** 16-bit linear -> μ-law code. Magnitude on the 14-bit one's complement, biased, then segment search. */
    private static int ulawCompress(int linear) {
        int magnitude = (linear < 0 ? ~linear : linear) >> 2;
        int biased = Math.min(magnitude + ULAW_BIAS, ULAW_MAX);
        int segment = 32 - Integer.numberOfLeadingZeros(biased >> 6); // 0..7: bit length of biased >> 6
        int step = (biased >> (segment + 1)) & 0x0F;
        int code = (segment << 4) | step;
        if (linear >= 0) {
            code |= 0x80;
        }
        return code ^ 0x7F; // μ-law inverts segment and step on the wire (the sign is already positive = 1)
    }

    /** μ-law code -> 16-bit linear, the middle of the quantisation interval. */
    private static int ulawExpand(int code) {
        int inverted = ~code & 0xFF;
        int segment = (inverted >> 4) & 0x07;
        int step = inverted & 0x0F;
        int magnitude = ((((step << 1) | 0x21) << segment) - ULAW_BIAS) << 2; // 14-bit mid-point, left-justified
        return (code & 0x80) != 0 ? magnitude : -magnitude;
    }

    /** 16-bit linear -> A-law code. Magnitude on the 12-bit one's complement, then segment search. */
    private static int alawCompress(int linear) {
        int magnitude = (linear < 0 ? ~linear : linear) >> 4; // 0..2047
        int segment = magnitude < 32 ? (magnitude >> 4) : 32 - Integer.numberOfLeadingZeros(magnitude) - 4;
        int step = segment == 0 ? magnitude & 0x0F : (magnitude >> (segment - 1)) & 0x0F;
        int code = (segment << 4) | step;
        if (linear >= 0) {
            code |= 0x80;
        }
        return code ^ 0x55; // A-law inverts the even bits on the wire
    }

    /** A-law code -> 16-bit linear, the middle of the quantisation interval. */
    private static int alawExpand(int code) {
        int plain = (code ^ 0x55) & 0x7F;
        int segment = plain >> 4;
        int step = plain & 0x0F;
        int magnitude = segment == 0
                ? (step << 4) + 8
                : (((step | 0x10) << 4) + 8) << (segment - 1);
        return (code & 0x80) != 0 ? magnitude : -magnitude;
    }
}
