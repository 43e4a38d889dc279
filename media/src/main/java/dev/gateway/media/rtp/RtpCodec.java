package dev.gateway.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Parses and writes the RTP fixed header (RFC 3550 §5.1) with its CSRC list, header extension (§5.3.1) and
 * padding.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  if X: length in 32-bit words
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       payload  ...    | padding ... | count   |  if P: count = padding bytes
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Pure static functions without allocation; safe from any thread as long as the buffer and the scratch
 * {@link RtpHeader} are confined to the caller. Indexes of the buffers are never moved by {@code parse};
 * {@code writeHeader} advances the writer index by {@link #HEADER_SIZE}. Buffers are not retained or released.
 */
public final class RtpCodec {

    /** Size of the fixed header in bytes. */
    public static final int HEADER_SIZE = 12;
    /** The only RTP version this codec accepts and writes. */
    public static final int VERSION = 2;

    private static final int VERSION_SHIFT = 6;
    private static final int PADDING_MASK = 0x20;
    private static final int EXTENSION_MASK = 0x10;
    private static final int CC_MASK = 0x0F;
    private static final int MARKER_MASK = 0x80;
    private static final int PT_MASK = 0x7F;

    private static final int OFFSET_SEQUENCE = 2;
    private static final int OFFSET_TIMESTAMP = 4;
    private static final int OFFSET_SSRC = 8;
    private static final int CSRC_SIZE = 4;
    private static final int EXTENSION_HEADER_SIZE = 4;
    private static final int EXTENSION_LENGTH_OFFSET = 2;
    private static final int WORD = 4;

    /** RFC 5761 §4: RTCP packet types 192..223 occupy the second octet where RTP has M=1 and PT 64..95. */
    private static final int RTCP_DEMUX_LOW = 192;
    private static final int RTCP_DEMUX_HIGH = 223;

    private RtpCodec() {
    }

    /**
     * Parses the header at {@code buf.readerIndex()} up to {@code buf.writerIndex()} into {@code out}.
     * Indexes are not moved. On any result other than {@link RtpParseResult#OK} the contents of {@code out}
     * are unspecified.
     */
    public static RtpParseResult parse(ByteBuf buf, RtpHeader out) {
        final int start = buf.readerIndex();
        final int length = buf.readableBytes();
        if (length < HEADER_SIZE) {
            return RtpParseResult.TOO_SHORT;
        }
        final int b0 = buf.getUnsignedByte(start);
        final int version = b0 >>> VERSION_SHIFT;
        if (version != VERSION) {
            return RtpParseResult.BAD_VERSION;
        }
        final boolean padding = (b0 & PADDING_MASK) != 0;
        final boolean extension = (b0 & EXTENSION_MASK) != 0;
        final int csrcCount = b0 & CC_MASK;
        out.setFirstOctet(version, padding, extension, csrcCount);

        final int b1 = buf.getUnsignedByte(start + 1);
        out.setSecondOctet((b1 & MARKER_MASK) != 0, b1 & PT_MASK);
        out.setIds(buf.getUnsignedShort(start + OFFSET_SEQUENCE), buf.getUnsignedInt(start + OFFSET_TIMESTAMP),
                buf.getUnsignedInt(start + OFFSET_SSRC));

        int offset = HEADER_SIZE + csrcCount * CSRC_SIZE;
        if (offset > length) {
            return RtpParseResult.BAD_CSRC_COUNT;
        }
        for (int i = 0; i < csrcCount; i++) {
            out.setCsrc(i, buf.getUnsignedInt(start + HEADER_SIZE + i * CSRC_SIZE));
        }

        if (extension) {
            if (offset + EXTENSION_HEADER_SIZE > length) {
                return RtpParseResult.BAD_EXTENSION;
            }
            final int profile = buf.getUnsignedShort(start + offset);
            final int extLength = buf.getUnsignedShort(start + offset + EXTENSION_LENGTH_OFFSET) * WORD;
            offset += EXTENSION_HEADER_SIZE;
            if (offset + extLength > length) {
                return RtpParseResult.BAD_EXTENSION;
            }
            out.setExtension(profile, start + offset, extLength);
            offset += extLength;
        } else {
            out.setExtension(0, -1, 0);
        }

        int paddingLength = 0;
        if (padding) {
            if (offset == length) {
                return RtpParseResult.BAD_PADDING;
            }
            paddingLength = buf.getUnsignedByte(start + length - 1);
            if (paddingLength == 0 || paddingLength > length - offset) {
                return RtpParseResult.BAD_PADDING;
            }
        }
        out.setPayload(start + offset, length - offset - paddingLength, paddingLength);
        return RtpParseResult.OK;
    }

    /**
     * Writes a 12-byte header (V=2, no padding, no extension, no CSRC) at the writer index and advances it.
     *
     * @param payloadType    0..127
     * @param sequenceNumber 0..65535
     * @param timestamp      RTP ticks, 0..2^32-1
     * @param ssrc           0..2^32-1
     * @throws IllegalArgumentException when a field is out of range; nothing is written then
     */
    public static void writeHeader(ByteBuf dst, boolean marker, int payloadType, int sequenceNumber, long timestamp,
            long ssrc) {
        if ((payloadType & ~PT_MASK) != 0) {
            throw new IllegalArgumentException("payloadType out of 0..127: " + payloadType);
        }
        if ((sequenceNumber & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("sequenceNumber out of 0..65535: " + sequenceNumber);
        }
        if ((timestamp & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("timestamp out of 0..2^32-1: " + timestamp);
        }
        if ((ssrc & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("ssrc out of 0..2^32-1: " + ssrc);
        }
        dst.writeByte(VERSION << VERSION_SHIFT);
        dst.writeByte((marker ? MARKER_MASK : 0) | payloadType);
        dst.writeShort(sequenceNumber);
        dst.writeInt((int) timestamp);
        dst.writeInt((int) ssrc);
    }

    /**
     * Demultiplexes RTP and RTCP sharing one port (RFC 5761 §4): true when the packet has version 2 and its
     * second octet (RTCP packet type, or RTP M bit plus PT) is in 192..223, the range where RTCP's SR, RR,
     * SDES, BYE, APP and feedback types lie and RTP payload types 64..95 with the marker would collide, which
     * is why RFC 5761 forbids those payload types when multiplexing. Indexes are not moved.
     */
    public static boolean looksLikeRtcp(ByteBuf buf) {
        if (buf.readableBytes() < 2) {
            return false;
        }
        final int start = buf.readerIndex();
        if (buf.getUnsignedByte(start) >>> VERSION_SHIFT != VERSION) {
            return false;
        }
        final int second = buf.getUnsignedByte(start + 1);
        return second >= RTCP_DEMUX_LOW && second <= RTCP_DEMUX_HIGH;
    }
}
