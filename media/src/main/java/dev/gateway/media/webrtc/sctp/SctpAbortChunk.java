package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ABORT (type 6, RFC 4960 §3.3.7): closes the association at once.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 6    |Reserved     |T|           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \               zero or more Error Causes                       \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * T set: the verification tag is the sender's own (reflected), not the receiver's.
 *
 * @param tagReflected T flag
 * @param causes       immutable
 */
public record SctpAbortChunk(boolean tagReflected, List<SctpErrorCause> causes) implements SctpChunk {

    public SctpAbortChunk {
        causes = List.copyOf(causes);
    }

    @Override
    public int typeCode() {
        return SctpChunkType.ABORT.code();
    }

    @Override
    public int flags() {
        return tagReflected ? 1 : 0;
    }

    @Override
    public int valueLength() {
        return SctpErrorCause.encodedSize(causes);
    }

    @Override
    public void encodeValue(ByteBuf out) {
        SctpErrorCause.encode(causes, out);
    }

    static SctpAbortChunk decode(int flags, ByteBuf value) {
        List<SctpErrorCause> causes = SctpErrorCause.decode(value);
        return causes == null ? null : new SctpAbortChunk((flags & 1) != 0, causes);
    }
}
