package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * FORWARD TSN (type 192, RFC 3758 §3.2): tells the receiver to treat every TSN up to the new cumulative TSN as
 * received, because the sender abandoned them (partial reliability).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      New Cumulative TSN                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-1              |       Stream Sequence-1       |   ordered streams only
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param newCumulativeTsn the TSN up to which the receiver advances
 * @param streams          for each ordered stream with skipped messages, the largest skipped SSN; immutable
 */
public record SctpForwardTsnChunk(int newCumulativeTsn, List<StreamSsn> streams) implements SctpChunk {

    /**
     * @param streamId 0..65535
     * @param ssn      0..65535, the largest SSN abandoned on that stream
     */
    public record StreamSsn(int streamId, int ssn) {
        public StreamSsn {
            if (streamId < 0 || streamId > 0xFFFF || ssn < 0 || ssn > 0xFFFF) {
                throw new IllegalArgumentException("stream " + streamId + " ssn " + ssn);
            }
        }
    }

    public SctpForwardTsnChunk {
        streams = List.copyOf(streams);
    }

    @Override
    public int typeCode() {
        return SctpChunkType.FORWARD_TSN.code();
    }

    @Override
    public int valueLength() {
        return 4 + 4 * streams.size();
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeInt(newCumulativeTsn);
        for (StreamSsn s : streams) {
            out.writeShort(s.streamId());
            out.writeShort(s.ssn());
        }
    }

    static SctpForwardTsnChunk decode(ByteBuf value) {
        if (value.readableBytes() < 4 || value.readableBytes() % 4 != 0) {
            return null;
        }
        int cum = value.readInt();
        StreamSsn[] s = new StreamSsn[value.readableBytes() / 4];
        for (int i = 0; i < s.length; i++) {
            s[i] = new StreamSsn(value.readUnsignedShort(), value.readUnsignedShort());
        }
        return new SctpForwardTsnChunk(cum, List.of(s));
    }
}
