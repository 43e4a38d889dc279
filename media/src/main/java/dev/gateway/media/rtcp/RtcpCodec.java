package dev.gateway.media.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes and parses compound RTCP packets (RFC 3550 §6): SR, RR, SDES CNAME and BYE.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            | header (RR: PT=201)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             | sender info (SR only)
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 | report block 1
 * | fraction lost |       cumulative number of packets lost       |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * length = packet size in 32-bit words minus one, header included.
 *
 * SDES (PT=202, SC chunks): | SSRC | CNAME=1 | len | text ... | 0 (END) and zero pad to a word |
 * BYE  (PT=203, SC SSRCs):  | SSRC ... | optional len + reason |
 * </pre>
 *
 * <p>Pure static functions; writers advance the destination's writer index and allocate nothing (except the
 * {@code String} CNAME overload, which encodes it). {@link #parse} moves no index. Safe from any thread when the
 * buffers are confined to the caller. Buffers are never retained or released here.
 */
public final class RtcpCodec {

    public static final int VERSION = 2;
    public static final int PT_SR = 200;
    public static final int PT_RR = 201;
    public static final int PT_SDES = 202;
    public static final int PT_BYE = 203;
    /** RFC 4585 transport-layer feedback (generic NACK is FMT 1). */
    public static final int PT_RTPFB = 205;
    public static final int FMT_GENERIC_NACK = 1;
    /** SDES item type CNAME (RFC 3550 §6.5.1). */
    public static final int SDES_CNAME = 1;

    static final int HEADER_SIZE = 4;
    static final int SSRC_SIZE = 4;
    static final int SENDER_INFO_SIZE = 20;
    static final int REPORT_BLOCK_SIZE = 24;
    private static final int WORD = 4;
    private static final int VERSION_SHIFT = 6;
    private static final int PADDING_MASK = 0x20;
    private static final int COUNT_MASK = 0x1F;
    private static final int MAX_CNAME_LENGTH = 255;

    /** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
    static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private RtcpCodec() {
    }

    /**
     * Writes an SR with zero or one report block.
     *
     * @param ntpTimestamp64 64-bit NTP time (see {@link #toNtp}), RTP timestamp in ticks of the same instant
     * @param block          the block to include, or null for none
     */
    public static void writeSenderReport(ByteBuf dst, long ssrc, long ntpTimestamp64, long rtpTimestamp,
            long packetCount, long octetCount, ReportBlock block) {
        int blocks = block == null ? 0 : 1;
        int size = HEADER_SIZE + SSRC_SIZE + SENDER_INFO_SIZE + blocks * REPORT_BLOCK_SIZE;
        writeHeader(dst, blocks, PT_SR, size);
        dst.writeInt((int) ssrc);
        dst.writeLong(ntpTimestamp64);
        dst.writeInt((int) rtpTimestamp);
        dst.writeInt((int) packetCount);
        dst.writeInt((int) octetCount);
        if (block != null) {
            writeBlock(dst, block);
        }
    }

    /** Writes an RR with exactly one report block. */
    public static void writeReceiverReport(ByteBuf dst, long ssrc, ReportBlock block) {
        writeHeader(dst, 1, PT_RR, HEADER_SIZE + SSRC_SIZE + REPORT_BLOCK_SIZE);
        dst.writeInt((int) ssrc);
        writeBlock(dst, block);
    }

    /** Appends an SDES packet with one chunk holding a CNAME item; encodes {@code cname} as UTF-8. */
    public static void writeSdesCname(ByteBuf dst, long ssrc, String cname) {
        writeSdesCname(dst, ssrc, cname.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Appends an SDES packet with one chunk holding a CNAME item (RFC 3550 §6.5): the item list ends with a null
     * octet and is zero-padded to a 32-bit boundary. Call after an SR or RR to form a compound packet (§6.1).
     *
     * @param cnameUtf8 1..255 bytes, typically built once per call
     */
    public static void writeSdesCname(ByteBuf dst, long ssrc, byte[] cnameUtf8) {
        if (cnameUtf8.length == 0 || cnameUtf8.length > MAX_CNAME_LENGTH) {
            throw new IllegalArgumentException("CNAME must be 1..255 bytes, was " + cnameUtf8.length);
        }
        int items = 2 + cnameUtf8.length + 1;
        int chunk = SSRC_SIZE + (items + WORD - 1) / WORD * WORD;
        writeHeader(dst, 1, PT_SDES, HEADER_SIZE + chunk);
        dst.writeInt((int) ssrc);
        dst.writeByte(SDES_CNAME);
        dst.writeByte(cnameUtf8.length);
        dst.writeBytes(cnameUtf8);
        dst.writeZero(chunk - SSRC_SIZE - 2 - cnameUtf8.length);
    }

    /** Writes a BYE for one SSRC without a reason (RFC 3550 §6.6). */
    public static void writeBye(ByteBuf dst, long ssrc) {
        writeHeader(dst, 1, PT_BYE, HEADER_SIZE + SSRC_SIZE);
        dst.writeInt((int) ssrc);
    }

    /**
     * Converts Unix time in milliseconds to a 64-bit NTP timestamp: seconds since 1900 in the upper 32 bits,
     * the binary fraction of a second in the lower 32 (RFC 3550 §4).
     */
    public static long toNtp(long unixMillis) {
        long seconds = Math.floorDiv(unixMillis, 1000L) + NTP_UNIX_OFFSET_SECONDS;
        long millis = Math.floorMod(unixMillis, 1000L);
        long fraction = (millis << 32) / 1000L;
        return (seconds << 32) | fraction;
    }

    /** Inverse of {@link #toNtp}, rounding the fraction down to a millisecond. */
    public static long toUnixMillis(long ntpTimestamp64) {
        long seconds = ntpTimestamp64 >>> 32;
        long fraction = ntpTimestamp64 & 0xFFFF_FFFFL;
        return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000L + ((fraction * 1000L) >>> 32);
    }

    /** The middle 32 bits of a 64-bit NTP timestamp, as carried in LSR (RFC 3550 §6.4.1). */
    public static long compactNtp(long ntpTimestamp64) {
        return (ntpTimestamp64 >>> 16) & 0xFFFF_FFFFL;
    }

    /**
     * Walks a compound packet from {@code buf.readerIndex()} to {@code writerIndex()}. The whole compound is
     * validated first; the visitor is called only when every packet is well formed, so a malformed tail never
     * leaves it half informed. SDES, APP and other types are reported to {@link RtcpVisitor#onOtherPacket} and
     * skipped. The RFC 3550 §6.1 rule that the first packet is an SR or RR is not enforced (RFC 5506 allows
     * reduced-size RTCP).
     */
    public static RtcpParseResult parse(ByteBuf buf, RtcpVisitor visitor) {
        RtcpParseResult result = walk(buf, null);
        if (result == RtcpParseResult.OK) {
            walk(buf, visitor);
        }
        return result;
    }

    /** One pass over the compound; with a null visitor it only validates. */
    private static RtcpParseResult walk(ByteBuf buf, RtcpVisitor visitor) {
        int offset = buf.readerIndex();
        final int end = buf.writerIndex();
        if (offset == end) {
            return RtcpParseResult.TOO_SHORT;
        }
        while (offset < end) {
            if (end - offset < HEADER_SIZE) {
                return RtcpParseResult.TOO_SHORT;
            }
            int b0 = buf.getUnsignedByte(offset);
            if (b0 >>> VERSION_SHIFT != VERSION) {
                return RtcpParseResult.BAD_VERSION;
            }
            int count = b0 & COUNT_MASK;
            int type = buf.getUnsignedByte(offset + 1);
            int size = (buf.getUnsignedShort(offset + 2) + 1) * WORD;
            if (size > end - offset) {
                return RtcpParseResult.BAD_LENGTH;
            }
            int body = size;
            if ((b0 & PADDING_MASK) != 0) {
                int pad = buf.getUnsignedByte(offset + size - 1);
                if (pad == 0 || pad > size - HEADER_SIZE) {
                    return RtcpParseResult.BAD_PADDING;
                }
                body -= pad;
            }
            RtcpParseResult r = packet(buf, offset, body, type, count, visitor);
            if (r != RtcpParseResult.OK) {
                return r;
            }
            offset += size;
        }
        return RtcpParseResult.OK;
    }

    private static RtcpParseResult packet(ByteBuf buf, int offset, int body, int type, int count,
            RtcpVisitor visitor) {
        switch (type) {
            case PT_SR: {
                int fixed = HEADER_SIZE + SSRC_SIZE + SENDER_INFO_SIZE;
                if (body < fixed) {
                    return RtcpParseResult.TOO_SHORT;
                }
                if (fixed + count * REPORT_BLOCK_SIZE > body) {
                    return RtcpParseResult.BAD_COUNT;
                }
                if (visitor != null) {
                    long ssrc = buf.getUnsignedInt(offset + HEADER_SIZE);
                    int info = offset + HEADER_SIZE + SSRC_SIZE;
                    visitor.onSenderReport(ssrc, buf.getLong(info), buf.getUnsignedInt(info + 8),
                            buf.getUnsignedInt(info + 12), buf.getUnsignedInt(info + 16));
                    blocks(buf, offset + fixed, count, ssrc, visitor);
                }
                return RtcpParseResult.OK;
            }
            case PT_RR: {
                int fixed = HEADER_SIZE + SSRC_SIZE;
                if (body < fixed) {
                    return RtcpParseResult.TOO_SHORT;
                }
                if (fixed + count * REPORT_BLOCK_SIZE > body) {
                    return RtcpParseResult.BAD_COUNT;
                }
                if (visitor != null) {
                    long ssrc = buf.getUnsignedInt(offset + HEADER_SIZE);
                    visitor.onReceiverReport(ssrc);
                    blocks(buf, offset + fixed, count, ssrc, visitor);
                }
                return RtcpParseResult.OK;
            }
            case PT_RTPFB: {
                // RFC 4585 §6.1: sender SSRC, media SSRC, then FCI; FMT (the count field) 1 = generic NACK,
                // whose FCI entries are PID (16 bits) + BLP (16 bits), RFC 4585 §6.2.1.
                int fixed = HEADER_SIZE + 2 * SSRC_SIZE;
                if (body < fixed) {
                    return RtcpParseResult.TOO_SHORT;
                }
                if (visitor != null) {
                    if (count == FMT_GENERIC_NACK) {
                        long sender = buf.getUnsignedInt(offset + HEADER_SIZE);
                        long media = buf.getUnsignedInt(offset + HEADER_SIZE + SSRC_SIZE);
                        for (int fci = offset + fixed; fci + 4 <= offset + body; fci += 4) {
                            visitor.onNack(sender, media, buf.getUnsignedShort(fci), buf.getUnsignedShort(fci + 2));
                        }
                    } else {
                        visitor.onOtherPacket(type, count);
                    }
                }
                return RtcpParseResult.OK;
            }
            case PT_BYE: {
                if (HEADER_SIZE + count * SSRC_SIZE > body) {
                    return RtcpParseResult.BAD_COUNT;
                }
                if (visitor != null) {
                    for (int i = 0; i < count; i++) {
                        visitor.onBye(buf.getUnsignedInt(offset + HEADER_SIZE + i * SSRC_SIZE));
                    }
                }
                return RtcpParseResult.OK;
            }
            default:
                if (visitor != null) {
                    visitor.onOtherPacket(type, count);
                }
                return RtcpParseResult.OK;
        }
    }

    private static void blocks(ByteBuf buf, int at, int count, long reporter, RtcpVisitor visitor) {
        for (int i = 0; i < count; i++, at += REPORT_BLOCK_SIZE) {
            int lostWord = buf.getInt(at + 4);
            visitor.onReportBlock(reporter, buf.getUnsignedInt(at), lostWord >>> 24, (lostWord << 8) >> 8,
                    buf.getUnsignedInt(at + 8), buf.getUnsignedInt(at + 12), buf.getUnsignedInt(at + 16),
                    buf.getUnsignedInt(at + 20));
        }
    }

    private static void writeHeader(ByteBuf dst, int count, int type, int sizeBytes) {
        dst.writeByte((VERSION << VERSION_SHIFT) | count);
        dst.writeByte(type);
        dst.writeShort(sizeBytes / WORD - 1);
    }

    private static void writeBlock(ByteBuf dst, ReportBlock b) {
        dst.writeInt((int) b.sourceSsrc());
        dst.writeInt((b.fractionLost() << 24) | (b.cumulativeLost() & 0xFF_FFFF));
        dst.writeInt((int) b.extendedHighestSequence());
        dst.writeInt((int) b.jitter());
        dst.writeInt((int) b.lastSenderReport());
        dst.writeInt((int) b.delaySinceLastSenderReport());
    }
}
