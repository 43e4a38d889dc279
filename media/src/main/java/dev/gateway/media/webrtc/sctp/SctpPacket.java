package dev.gateway.media.webrtc.sctp;

import java.util.List;

/**
 * An SCTP packet: the common header (RFC 4960 §3.1) and its chunks. Immutable (the chunk list is copied).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Source Port Number        |     Destination Port Number   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Verification Tag                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Checksum (CRC32c, little-endian)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Chunk #1 .. #n                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * WebRTC uses port 5000 on both sides by default (RFC 8841 {@code a=sctp-port}).
 *
 * @param sourcePort      0..65535
 * @param destinationPort 0..65535
 * @param verificationTag the receiver's tag (0 for a packet carrying INIT)
 * @param chunks          at least one
 */
public record SctpPacket(int sourcePort, int destinationPort, int verificationTag, List<SctpChunk> chunks) {

    /** Size of the common header. */
    public static final int HEADER_SIZE = 12;

    public SctpPacket {
        if (sourcePort < 0 || sourcePort > 0xFFFF || destinationPort < 0 || destinationPort > 0xFFFF) {
            throw new IllegalArgumentException("ports " + sourcePort + "/" + destinationPort);
        }
        chunks = List.copyOf(chunks);
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a packet needs at least one chunk");
        }
    }

    /** Bytes of the encoded packet. */
    public int encodedSize() {
        int n = HEADER_SIZE;
        for (SctpChunk c : chunks) {
            n += c.encodedSize();
        }
        return n;
    }
}
