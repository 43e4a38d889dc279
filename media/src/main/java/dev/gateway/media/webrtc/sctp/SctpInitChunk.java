package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * INIT (type 1) and INIT ACK (type 2) share one layout (RFC 4960 §3.3.2, §3.3.3).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 1/2  |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Initiate Tag                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Advertised Receiver Window Credit (a_rwnd)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Number of Outbound Streams   |  Number of Inbound Streams    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Initial TSN                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \              Optional/Variable-Length Parameters              \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Parameter: | Type (16) | Length (16, header included, unpadded) | Value, padded to 4 |
 * </pre>
 *
 * Parameters understood: State Cookie (7, INIT ACK only), Supported Extensions (0x8008, RFC 5061 §4.2.7; we list
 * FORWARD TSN 0xC0) and Forward-TSN-Supported (0xC000, RFC 3758 §3.1). Others are skipped on decode: every
 * parameter a WebRTC stack sends besides these (adaptation layer, AUTH random/chunk list/HMAC) has its upper bit
 * set, "skip and continue" (RFC 4960 §3.2.1).
 *
 * @param ack                 true for INIT ACK
 * @param initiateTag         the sender's verification tag, non-zero
 * @param advertisedWindow    a_rwnd in bytes (unsigned 32 bits, held in a long)
 * @param outboundStreams     1..65535
 * @param inboundStreams      1..65535
 * @param initialTsn          first TSN the sender will use
 * @param forwardTsnSupported true when either PR-SCTP parameter was present (encoded as both)
 * @param stateCookie         INIT ACK only (null in an INIT); owned by this record
 */
public record SctpInitChunk(boolean ack, int initiateTag, long advertisedWindow, int outboundStreams,
        int inboundStreams, int initialTsn, boolean forwardTsnSupported, byte[] stateCookie) implements SctpChunk {

    static final int PARAM_STATE_COOKIE = 7;
    static final int PARAM_SUPPORTED_EXTENSIONS = 0x8008;
    static final int PARAM_FORWARD_TSN_SUPPORTED = 0xC000;
    private static final int FIXED_SIZE = 16;
    private static final int PARAM_HEADER = 4;

    public SctpInitChunk {
        if (outboundStreams < 1 || outboundStreams > 0xFFFF || inboundStreams < 1 || inboundStreams > 0xFFFF) {
            throw new IllegalArgumentException("stream counts " + outboundStreams + "/" + inboundStreams);
        }
        if (advertisedWindow < 0 || advertisedWindow > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("a_rwnd " + advertisedWindow);
        }
        if (ack && stateCookie == null) {
            throw new IllegalArgumentException("INIT ACK without a state cookie");
        }
    }

    @Override
    public int typeCode() {
        return ack ? SctpChunkType.INIT_ACK.code() : SctpChunkType.INIT.code();
    }

    @Override
    public int valueLength() {
        int len = FIXED_SIZE;
        if (forwardTsnSupported) {
            len += SctpChunk.padded(PARAM_HEADER + 1) + PARAM_HEADER;
        }
        if (stateCookie != null) {
            len += SctpChunk.padded(PARAM_HEADER + stateCookie.length);
        }
        return len;
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeInt(initiateTag);
        out.writeInt((int) advertisedWindow);
        out.writeShort(outboundStreams);
        out.writeShort(inboundStreams);
        out.writeInt(initialTsn);
        if (stateCookie != null) {
            out.writeShort(PARAM_STATE_COOKIE);
            out.writeShort(PARAM_HEADER + stateCookie.length);
            out.writeBytes(stateCookie);
            out.writeZero(SctpChunk.padded(stateCookie.length) - stateCookie.length);
        }
        if (forwardTsnSupported) {
            out.writeShort(PARAM_SUPPORTED_EXTENSIONS);
            out.writeShort(PARAM_HEADER + 1);
            out.writeByte(SctpChunkType.FORWARD_TSN.code());
            out.writeZero(3);
            out.writeShort(PARAM_FORWARD_TSN_SUPPORTED);
            out.writeShort(PARAM_HEADER);
        }
    }

    /** Decodes the value ({@code value} holds exactly the unpadded value); null when malformed. */
    static SctpInitChunk decode(boolean ack, ByteBuf value) {
        if (value.readableBytes() < FIXED_SIZE) {
            return null;
        }
        int tag = value.readInt();
        long rwnd = value.readUnsignedInt();
        int os = value.readUnsignedShort();
        int is = value.readUnsignedShort();
        int tsn = value.readInt();
        if (tag == 0 || os == 0 || is == 0) {
            return null; // RFC 4960 §3.3.2: a zero tag or stream count is a protocol violation
        }
        boolean forwardTsn = false;
        byte[] cookie = null;
        while (value.readableBytes() >= PARAM_HEADER) {
            int type = value.readUnsignedShort();
            int len = value.readUnsignedShort();
            if (len < PARAM_HEADER || len - PARAM_HEADER > value.readableBytes()) {
                return null;
            }
            ByteBuf param = value.readSlice(len - PARAM_HEADER);
            value.skipBytes(Math.min(value.readableBytes(), SctpChunk.padded(len) - len));
            if (type == PARAM_STATE_COOKIE) {
                cookie = new byte[param.readableBytes()];
                param.readBytes(cookie);
            } else if (type == PARAM_FORWARD_TSN_SUPPORTED) {
                forwardTsn = true;
            } else if (type == PARAM_SUPPORTED_EXTENSIONS) {
                while (param.isReadable()) {
                    forwardTsn |= param.readUnsignedByte() == SctpChunkType.FORWARD_TSN.code();
                }
            }
        }
        if (ack && cookie == null) {
            return null;
        }
        return new SctpInitChunk(ack, tag, rwnd, os, is, tsn, forwardTsn, ack ? cookie : null);
    }

    @Override
    public String toString() {
        return (ack ? "INIT_ACK" : "INIT") + "{tag=" + Integer.toUnsignedString(initiateTag) + ", a_rwnd="
                + advertisedWindow + ", os=" + outboundStreams + ", is=" + inboundStreams + ", tsn="
                + Integer.toUnsignedString(initialTsn) + ", prsctp=" + forwardTsnSupported + "}";
    }
}
