package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * SHUTDOWN ACK (type 8, RFC 4960 §3.3.9): header only.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 8    |Chunk  Flags   |      Length = 4               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record SctpShutdownAckChunk() implements SctpChunk {

    @Override
    public int typeCode() {
        return SctpChunkType.SHUTDOWN_ACK.code();
    }

    @Override
    public int valueLength() {
        return 0;
    }

    @Override
    public void encodeValue(ByteBuf out) {
    }
}
