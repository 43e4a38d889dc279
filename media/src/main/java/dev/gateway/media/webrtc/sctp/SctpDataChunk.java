package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * DATA (type 0, RFC 4960 §3.3.1): one fragment of a user message.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 0    | Reserved|U|B|E|    Length                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Stream Identifier S      |   Stream Sequence Number n    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Payload Protocol Identifier                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                 User Data (seq n of Stream S)                 \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * U: unordered (the SSN is ignored); B: first fragment; E: last fragment. A DATA chunk with no user data is a
 * protocol violation (RFC 4960 §6.2), hence the non-empty payload.
 *
 * @param unordered  U flag
 * @param beginning  B flag
 * @param ending     E flag
 * @param tsn        transmission sequence number (serial arithmetic, RFC 1982)
 * @param streamId   0..65535
 * @param ssn        0..65535
 * @param ppid       payload protocol identifier (WebRTC: RFC 8831 §8)
 * @param payload    owned by this record, at least one byte
 */
public record SctpDataChunk(boolean unordered, boolean beginning, boolean ending, int tsn, int streamId, int ssn,
        int ppid, byte[] payload) implements SctpChunk {

    /** Bytes before the user data. */
    public static final int FIXED_SIZE = 12;
    static final int FLAG_ENDING = 0x01;
    static final int FLAG_BEGINNING = 0x02;
    static final int FLAG_UNORDERED = 0x04;

    public SctpDataChunk {
        if (streamId < 0 || streamId > 0xFFFF || ssn < 0 || ssn > 0xFFFF) {
            throw new IllegalArgumentException("stream " + streamId + " ssn " + ssn);
        }
        if (payload == null || payload.length == 0) {
            throw new IllegalArgumentException("DATA without user data");
        }
    }

    @Override
    public int typeCode() {
        return SctpChunkType.DATA.code();
    }

    @Override
    public int flags() {
        return (unordered ? FLAG_UNORDERED : 0) | (beginning ? FLAG_BEGINNING : 0) | (ending ? FLAG_ENDING : 0);
    }

    @Override
    public int valueLength() {
        return FIXED_SIZE + payload.length;
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeInt(tsn);
        out.writeShort(streamId);
        out.writeShort(ssn);
        out.writeInt(ppid);
        out.writeBytes(payload);
    }

    static SctpDataChunk decode(int flags, ByteBuf value) {
        if (value.readableBytes() <= FIXED_SIZE) {
            return null;
        }
        int tsn = value.readInt();
        int sid = value.readUnsignedShort();
        int ssn = value.readUnsignedShort();
        int ppid = value.readInt();
        byte[] payload = new byte[value.readableBytes()];
        value.readBytes(payload);
        return new SctpDataChunk((flags & FLAG_UNORDERED) != 0, (flags & FLAG_BEGINNING) != 0,
                (flags & FLAG_ENDING) != 0, tsn, sid, ssn, ppid, payload);
    }

    @Override
    public String toString() {
        return "DATA{tsn=" + Integer.toUnsignedString(tsn) + ", sid=" + streamId + ", ssn=" + ssn + ", ppid=" + ppid
                + (unordered ? ", U" : "") + (beginning ? ", B" : "") + (ending ? ", E" : "") + ", len="
                + payload.length + "}";
    }
}
