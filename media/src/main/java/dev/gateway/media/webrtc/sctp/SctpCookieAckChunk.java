package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * COOKIE ACK (type 11, RFC 4960 §3.3.12): header only, completes the four-way handshake.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 11   |Chunk  Flags   |     Length = 4                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record SctpCookieAckChunk() implements SctpChunk {

    @Override
    public int typeCode() {
        return SctpChunkType.COOKIE_ACK.code();
    }

    @Override
    public int valueLength() {
        return 0;
    }

    @Override
    public void encodeValue(ByteBuf out) {
    }
}
