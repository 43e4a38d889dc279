package dev.gateway.media.webrtc.stun;

/**
 * Outcome of {@link StunCodec#decode}. Malformed datagrams are counted results, not exceptions (STYLE.md 9).
 */
public enum StunParseResult {
    /** A well-formed message; {@link StunDecoded#message()} is set. */
    OK,
    /** Fewer than the 20 header bytes. */
    TOO_SHORT,
    /** The two leading bits of the type are not zero (RFC 8489 §5): not STUN. */
    NOT_STUN,
    /** The magic cookie is not 0x2112A442 (an RFC 3489 message or not STUN at all). */
    BAD_COOKIE,
    /** The header's message length is not a multiple of 4. */
    BAD_LENGTH,
    /** The header's message length runs past the end of the buffer. */
    TRUNCATED,
    /** An attribute's declared length runs past the end of the message. */
    ATTRIBUTE_OVERFLOW,
    /** A known attribute has a value of the wrong size or an unknown address family. */
    BAD_ATTRIBUTE,
    /** An unknown comprehension-required attribute (type below 0x8000, RFC 8489 §14). */
    UNKNOWN_REQUIRED_ATTRIBUTE
}
