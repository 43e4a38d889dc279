package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * SHUTDOWN COMPLETE (type 14, RFC 4960 §3.3.13): header only, ends the graceful close.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 14   |Reserved     |T|      Length = 4               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param tagReflected T flag: the verification tag is the sender's own
 */
public record SctpShutdownCompleteChunk(boolean tagReflected) implements SctpChunk {

    @Override
    public int typeCode() {
        return SctpChunkType.SHUTDOWN_COMPLETE.code();
    }

    @Override
    public int flags() {
        return tagReflected ? 1 : 0;
    }

    @Override
    public int valueLength() {
        return 0;
    }

    @Override
    public void encodeValue(ByteBuf out) {
    }
}
