package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * COOKIE ECHO (type 10, RFC 4960 §3.3.11): returns the INIT ACK's State Cookie unchanged.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 10   |Chunk  Flags   |         Length                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                     Cookie                                    /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param cookie owned by this record
 */
public record SctpCookieEchoChunk(byte[] cookie) implements SctpChunk {

    @Override
    public int typeCode() {
        return SctpChunkType.COOKIE_ECHO.code();
    }

    @Override
    public int valueLength() {
        return cookie.length;
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeBytes(cookie);
    }

    static SctpCookieEchoChunk decode(ByteBuf value) {
        byte[] cookie = new byte[value.readableBytes()];
        value.readBytes(cookie);
        return new SctpCookieEchoChunk(cookie);
    }
}
