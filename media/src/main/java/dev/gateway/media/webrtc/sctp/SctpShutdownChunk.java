package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * SHUTDOWN (type 7, RFC 4960 §3.3.8): starts a graceful close and acknowledges like a SACK without gaps.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 7    | Chunk  Flags  |      Length = 8               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param cumulativeTsnAck the sender's cumulative TSN received
 */
public record SctpShutdownChunk(int cumulativeTsnAck) implements SctpChunk {

    @Override
    public int typeCode() {
        return SctpChunkType.SHUTDOWN.code();
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeInt(cumulativeTsnAck);
    }

    static SctpShutdownChunk decode(ByteBuf value) {
        return value.readableBytes() != 4 ? null : new SctpShutdownChunk(value.readInt());
    }
}
