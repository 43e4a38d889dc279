package dev.gateway.media.webrtc.stun;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Decodes and encodes STUN messages (RFC 8489 §5, §14).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|M M M M M|C|M M M|C|M M M M|         Message Length        |
 * |   |1 1 9 8 7|1|6 5 4|0|3 2 1 0|   (bytes after the header)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Magic Cookie 0x2112A442                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Attribute Type        |  Value Length (unpadded)      |  repeated, each value padded to 4 bytes
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Decoding ignores unknown comprehension-optional attributes and, per RFC 8489 §14.5, every attribute after
 * MESSAGE-INTEGRITY except FINGERPRINT. It does not verify MESSAGE-INTEGRITY or FINGERPRINT: see
 * {@link StunIntegrity}. Encoding writes zero padding.
 *
 * <p>Static and thread-safe. {@code decode} never moves the buffer's indexes; {@code encode} appends at the
 * writer index. No buffer is retained or released.
 */
public final class StunCodec {

    /** Size of the fixed header. */
    public static final int HEADER_SIZE = 20;
    /** Size of an attribute's type and length. */
    public static final int ATTRIBUTE_HEADER_SIZE = 4;
    /** The fixed value at offset 4 (RFC 8489 §5). */
    public static final int MAGIC_COOKIE = 0x2112A442;

    private static final int OFFSET_LENGTH = 2;
    private static final int OFFSET_COOKIE = 4;
    private static final int OFFSET_TRANSACTION_ID = 8;
    private static final int TWO_TOP_BITS = 0xC0;
    /** RFC 7983 §7: a first byte in 0..3 means STUN on a demultiplexed WebRTC socket. */
    private static final int RFC7983_STUN_MAX_FIRST_BYTE = 3;
    private static final int ERROR_VALUE_HEADER = 4;
    private static final int TIE_BREAKER_LENGTH = 8;
    private static final int PRIORITY_LENGTH = 4;

    private StunCodec() {
    }

    /** RFC 7983 demultiplexing: at least a header, first byte 0..3 and the magic cookie in place. */
    public static boolean looksLikeStun(ByteBuf buf) {
        int start = buf.readerIndex();
        return buf.readableBytes() >= HEADER_SIZE
                && buf.getUnsignedByte(start) <= RFC7983_STUN_MAX_FIRST_BYTE
                && buf.getInt(start + OFFSET_COOKIE) == MAGIC_COOKIE;
    }

    /** Decodes the message between reader and writer index; trailing bytes after the declared length are ignored. */
    public static StunDecoded decode(ByteBuf buf) {
        StunParseResult framing = checkFraming(buf);
        if (framing != StunParseResult.OK) {
            return StunDecoded.failed(framing);
        }
        int start = buf.readerIndex();
        int type = buf.getUnsignedShort(start);
        byte[] xorKey = new byte[4 + StunMessage.TRANSACTION_ID_LENGTH];
        buf.getBytes(start + OFFSET_COOKIE, xorKey);
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        buf.getBytes(start + OFFSET_TRANSACTION_ID, transactionId);
        StunMessage.Builder b = StunMessage.builder(StunClass.fromCode(classOf(type)), methodOf(type), transactionId);
        int end = start + HEADER_SIZE + buf.getUnsignedShort(start + OFFSET_LENGTH);
        boolean afterIntegrity = false;
        for (int p = start + HEADER_SIZE; p < end; ) {
            if (end - p < ATTRIBUTE_HEADER_SIZE) {
                return StunDecoded.failed(StunParseResult.ATTRIBUTE_OVERFLOW);
            }
            int attrType = buf.getUnsignedShort(p);
            int length = buf.getUnsignedShort(p + 2);
            int value = p + ATTRIBUTE_HEADER_SIZE;
            if (length > end - value) {
                return StunDecoded.failed(StunParseResult.ATTRIBUTE_OVERFLOW);
            }
            if (attrType == StunAttributeType.FINGERPRINT) {
                if (length != StunIntegrity.FINGERPRINT_LENGTH) {
                    return StunDecoded.failed(StunParseResult.BAD_ATTRIBUTE);
                }
                b.decodedFingerprint();
                break; // always last (RFC 8489 §14.7)
            }
            if (!afterIntegrity) {
                StunParseResult r = readAttribute(buf, attrType, value, length, xorKey, b);
                if (r != StunParseResult.OK) {
                    return StunDecoded.failed(r);
                }
                afterIntegrity = attrType == StunAttributeType.MESSAGE_INTEGRITY;
            }
            p = value + padded(length);
        }
        return new StunDecoded(StunParseResult.OK, b.build());
    }

    private static StunParseResult checkFraming(ByteBuf buf) {
        int start = buf.readerIndex();
        if (buf.readableBytes() < HEADER_SIZE) {
            return StunParseResult.TOO_SHORT;
        }
        if ((buf.getUnsignedByte(start) & TWO_TOP_BITS) != 0) {
            return StunParseResult.NOT_STUN;
        }
        if (buf.getInt(start + OFFSET_COOKIE) != MAGIC_COOKIE) {
            return StunParseResult.BAD_COOKIE;
        }
        int length = buf.getUnsignedShort(start + OFFSET_LENGTH);
        if ((length & 3) != 0) {
            return StunParseResult.BAD_LENGTH;
        }
        if (length > buf.readableBytes() - HEADER_SIZE) {
            return StunParseResult.TRUNCATED;
        }
        return StunParseResult.OK;
    }

    private static StunParseResult readAttribute(ByteBuf buf, int type, int value, int length, byte[] xorKey,
                                                 StunMessage.Builder b) {
        switch (type) {
            case StunAttributeType.MAPPED_ADDRESS, StunAttributeType.XOR_MAPPED_ADDRESS -> {
                boolean xor = type == StunAttributeType.XOR_MAPPED_ADDRESS;
                InetSocketAddress a = length < ATTRIBUTE_HEADER_SIZE
                        ? null : StunAddressCodec.read(buf, value, length, xor ? xorKey : null);
                if (a == null) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                if (xor) {
                    b.xorMappedAddress(a);
                } else {
                    b.mappedAddress(a);
                }
            }
            case StunAttributeType.USERNAME -> b.username(buf.toString(value, length, StandardCharsets.UTF_8));
            case StunAttributeType.SOFTWARE -> b.software(buf.toString(value, length, StandardCharsets.UTF_8));
            case StunAttributeType.MESSAGE_INTEGRITY -> {
                if (length != StunIntegrity.HMAC_LENGTH) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                b.decodedIntegrity();
            }
            case StunAttributeType.PRIORITY -> {
                if (length != PRIORITY_LENGTH) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                b.priority(buf.getUnsignedInt(value));
            }
            case StunAttributeType.USE_CANDIDATE -> {
                if (length != 0) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                b.useCandidate(true);
            }
            case StunAttributeType.ICE_CONTROLLING, StunAttributeType.ICE_CONTROLLED -> {
                if (length != TIE_BREAKER_LENGTH) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                if (type == StunAttributeType.ICE_CONTROLLING) {
                    b.iceControlling(buf.getLong(value));
                } else {
                    b.iceControlled(buf.getLong(value));
                }
            }
            case StunAttributeType.ERROR_CODE -> {
                if (length < ERROR_VALUE_HEADER) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                int code = (buf.getUnsignedByte(value + 2) & 0x07) * 100 + buf.getUnsignedByte(value + 3);
                if (code < 300 || code > 699) {
                    return StunParseResult.BAD_ATTRIBUTE;
                }
                b.errorCode(code, buf.toString(value + ERROR_VALUE_HEADER, length - ERROR_VALUE_HEADER,
                        StandardCharsets.UTF_8));
            }
            default -> {
                if (StunAttributeType.isComprehensionRequired(type)) {
                    return StunParseResult.UNKNOWN_REQUIRED_ATTRIBUTE;
                }
            }
        }
        return StunParseResult.OK;
    }

    /**
     * Offset from the reader index of the first attribute of {@code type}, or -1 if absent or the framing or an
     * attribute length before it is bad.
     */
    static int findAttribute(ByteBuf buf, int type) {
        if (checkFraming(buf) != StunParseResult.OK) {
            return -1;
        }
        int start = buf.readerIndex();
        int end = HEADER_SIZE + buf.getUnsignedShort(start + OFFSET_LENGTH);
        for (int p = HEADER_SIZE; p + ATTRIBUTE_HEADER_SIZE <= end; ) {
            int attrType = buf.getUnsignedShort(start + p);
            int length = buf.getUnsignedShort(start + p + 2);
            if (p + ATTRIBUTE_HEADER_SIZE + length > end) {
                return -1;
            }
            if (attrType == type) {
                return p;
            }
            p += ATTRIBUTE_HEADER_SIZE + padded(length);
        }
        return -1;
    }

    /**
     * Appends {@code m}, then MESSAGE-INTEGRITY keyed with {@code integrityKey} unless it is null, then FINGERPRINT
     * if {@code fingerprint}. Attribute order: XOR-MAPPED-ADDRESS, MAPPED-ADDRESS, USERNAME, PRIORITY,
     * USE-CANDIDATE, ICE-CONTROLLING, ICE-CONTROLLED, ERROR-CODE, SOFTWARE.
     *
     * @return the number of bytes written
     */
    public static int encode(StunMessage m, byte[] integrityKey, boolean fingerprint, ByteBuf out) {
        int start = out.writerIndex();
        int cls = m.messageClass().code();
        int method = m.method();
        int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((cls & 0b01) << 4) | ((cls & 0b10) << 7);
        out.writeShort(type);
        out.writeShort(0); // length, patched below
        out.writeInt(MAGIC_COOKIE);
        byte[] transactionId = m.transactionId();
        out.writeBytes(transactionId);
        byte[] xorKey = null;
        if (m.xorMappedAddress() != null) {
            xorKey = new byte[4 + StunMessage.TRANSACTION_ID_LENGTH];
            out.getBytes(start + OFFSET_COOKIE, xorKey);
            header(out, StunAttributeType.XOR_MAPPED_ADDRESS, StunAddressCodec.valueLength(m.xorMappedAddress()));
            StunAddressCodec.write(out, m.xorMappedAddress(), xorKey);
        }
        if (m.mappedAddress() != null) {
            header(out, StunAttributeType.MAPPED_ADDRESS, StunAddressCodec.valueLength(m.mappedAddress()));
            StunAddressCodec.write(out, m.mappedAddress(), null);
        }
        if (m.username() != null) {
            text(out, StunAttributeType.USERNAME, 0, m.username());
        }
        if (m.priority().isPresent()) {
            header(out, StunAttributeType.PRIORITY, PRIORITY_LENGTH);
            out.writeInt((int) m.priority().getAsLong());
        }
        if (m.useCandidate()) {
            header(out, StunAttributeType.USE_CANDIDATE, 0);
        }
        if (m.iceControlling().isPresent()) {
            header(out, StunAttributeType.ICE_CONTROLLING, TIE_BREAKER_LENGTH);
            out.writeLong(m.iceControlling().getAsLong());
        }
        if (m.iceControlled().isPresent()) {
            header(out, StunAttributeType.ICE_CONTROLLED, TIE_BREAKER_LENGTH);
            out.writeLong(m.iceControlled().getAsLong());
        }
        if (m.errorCode() != 0) {
            text(out, StunAttributeType.ERROR_CODE, m.errorCode(), m.errorReason());
        }
        if (m.software() != null) {
            text(out, StunAttributeType.SOFTWARE, 0, m.software());
        }
        if (integrityKey != null) {
            byte[] hmac = StunIntegrity.hmac(out, start, out.writerIndex() - start, integrityKey);
            header(out, StunAttributeType.MESSAGE_INTEGRITY, StunIntegrity.HMAC_LENGTH);
            out.writeBytes(hmac);
        }
        if (fingerprint) {
            out.setShort(start + OFFSET_LENGTH, out.writerIndex() - start - HEADER_SIZE
                    + ATTRIBUTE_HEADER_SIZE + StunIntegrity.FINGERPRINT_LENGTH);
            int crc = StunIntegrity.fingerprint(out, start, out.writerIndex() - start);
            header(out, StunAttributeType.FINGERPRINT, StunIntegrity.FINGERPRINT_LENGTH);
            out.writeInt(crc);
        }
        out.setShort(start + OFFSET_LENGTH, out.writerIndex() - start - HEADER_SIZE);
        return out.writerIndex() - start;
    }

    private static void header(ByteBuf out, int type, int length) {
        out.writeShort(type);
        out.writeShort(length);
    }

    /** A UTF-8 attribute; for ERROR-CODE ({@code code} != 0) preceded by reserved, class and number. */
    private static void text(ByteBuf out, int type, int code, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length + (code != 0 ? ERROR_VALUE_HEADER : 0);
        header(out, type, length);
        if (code != 0) {
            out.writeShort(0);
            out.writeByte(code / 100);
            out.writeByte(code % 100);
        }
        out.writeBytes(bytes);
        out.writeZero(padded(length) - length);
    }

    private static int classOf(int type) {
        return ((type >>> 4) & 0b01) | ((type >>> 7) & 0b10);
    }

    private static int methodOf(int type) {
        return (type & 0x000F) | ((type >>> 1) & 0x0070) | ((type >>> 2) & 0x0F80);
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }
}
