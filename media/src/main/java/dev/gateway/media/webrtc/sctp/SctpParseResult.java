package dev.gateway.media.webrtc.sctp;

/**
 * Outcome of {@link SctpPacketCodec#decode}. Garbage is a counted result, not an exception (STYLE.md 9).
 */
public enum SctpParseResult {
    /** A well-formed packet. */
    OK,
    /** Fewer than the 12 bytes of the common header. */
    TOO_SHORT,
    /** The CRC32c does not match (RFC 4960 §6.8: discard silently). */
    BAD_CHECKSUM,
    /** The common header is followed by no chunk. */
    NO_CHUNKS,
    /** A chunk's length is below 4 or runs past the end of the packet. */
    CHUNK_OVERFLOW,
    /** A known chunk's value has the wrong size or inconsistent contents. */
    MALFORMED_CHUNK
}
