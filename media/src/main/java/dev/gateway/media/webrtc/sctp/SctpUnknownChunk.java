package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * A chunk whose type this implementation does not know (e.g. RE-CONFIG 130, AUTH 15, ASCONF). Kept so the
 * association can apply {@link SctpChunkType.UnknownAction} and quote it in an Unrecognized Chunk Type cause.
 *
 * @param typeCode the wire type
 * @param flags    the flags byte
 * @param value    the unpadded value, owned by this record
 */
public record SctpUnknownChunk(int typeCode, int flags, byte[] value) implements SctpChunk {

    /** What RFC 4960 §3.2 says to do with it. */
    public SctpChunkType.UnknownAction action() {
        return SctpChunkType.UnknownAction.of(typeCode);
    }

    @Override
    public int valueLength() {
        return value.length;
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeBytes(value);
    }

    /** The chunk as it was on the wire, header included, unpadded (the info of cause 6). */
    byte[] wireBytes() {
        byte[] b = new byte[HEADER_SIZE + value.length];
        b[0] = (byte) typeCode;
        b[1] = (byte) flags;
        b[2] = (byte) (b.length >>> 8);
        b[3] = (byte) b.length;
        System.arraycopy(value, 0, b, HEADER_SIZE, value.length);
        return b;
    }
}
