package dev.gateway.media.rtp;

/**
 * Outcome of {@link RtpCodec#parse}. Malformed packets are counted results, not exceptions (STYLE.md 9).
 */
public enum RtpParseResult {
    /** The header is valid and the {@link RtpHeader} scratch is filled. */
    OK,
    /** Fewer than the 12 fixed header bytes. */
    TOO_SHORT,
    /** Version field is not 2. */
    BAD_VERSION,
    /** P bit set but the padding count is 0 or larger than what follows the header (RFC 3550 §5.1). */
    BAD_PADDING,
    /** X bit set but the extension header or its declared length runs past the end (RFC 3550 §5.3.1). */
    BAD_EXTENSION,
    /** The CSRC list declared by CC runs past the end. */
    BAD_CSRC_COUNT
}
