package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * One chunk of an SCTP packet (RFC 4960 §3.2). Implementations are immutable records; those that carry a
 * {@code byte[]} own it (decoding copies, callers must not change an array after handing it over).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                          Chunk Value                          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The length counts the 4-byte header and the value but not the zero padding to a multiple of 4.
 */
public interface SctpChunk {

    /** Size of type, flags and length. */
    int HEADER_SIZE = 4;

    /** The wire type code. */
    int typeCode();

    /** The flags byte. */
    default int flags() {
        return 0;
    }

    /** Bytes of value after the header, unpadded. */
    int valueLength();

    /** Appends the value (unpadded) at the writer index. */
    void encodeValue(ByteBuf out);

    /** Bytes this chunk occupies in a packet, header and padding included. */
    default int encodedSize() {
        return padded(HEADER_SIZE + valueLength());
    }

    /** Rounds up to a multiple of 4. */
    static int padded(int length) {
        return (length + 3) & ~3;
    }
}
