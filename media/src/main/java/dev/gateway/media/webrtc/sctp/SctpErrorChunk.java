package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ERROR (type 9, RFC 4960 §3.3.10): reports conditions that do not end the association.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 9    | Chunk  Flags  |           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                    one or more Error Causes                   \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param causes immutable
 */
public record SctpErrorChunk(List<SctpErrorCause> causes) implements SctpChunk {

    public SctpErrorChunk {
        causes = List.copyOf(causes);
    }

    @Override
    public int typeCode() {
        return SctpChunkType.ERROR.code();
    }

    @Override
    public int valueLength() {
        return SctpErrorCause.encodedSize(causes);
    }

    @Override
    public void encodeValue(ByteBuf out) {
        SctpErrorCause.encode(causes, out);
    }

    static SctpErrorChunk decode(ByteBuf value) {
        List<SctpErrorCause> causes = SctpErrorCause.decode(value);
        return causes == null ? null : new SctpErrorChunk(causes);
    }
}
