package dev.gateway.media.rtcp;

/** Outcome of {@link RtcpCodec#parse}. Malformed input is a result, not an exception (STYLE.md 9). */
public enum RtcpParseResult {
    /** Every packet of the compound was well formed and has been reported to the visitor. */
    OK,
    /** Fewer than 4 bytes where a packet header, or fewer than its fixed part, was expected. */
    TOO_SHORT,
    /** A packet's version field is not 2. */
    BAD_VERSION,
    /** A packet's length field runs past the end of the buffer. */
    BAD_LENGTH,
    /** P bit set but the padding count is 0 or larger than the packet body. */
    BAD_PADDING,
    /** The report count (RC) or source count (SC) needs more bytes than the packet's length gives. */
    BAD_COUNT
}
