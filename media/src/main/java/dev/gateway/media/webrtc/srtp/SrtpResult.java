package dev.gateway.media.webrtc.srtp;

/**
 * Outcome of {@link SrtpContext#unprotectRtp} and {@link SrtpContext#unprotectRtcp}. Replayed and
 * unauthenticated packets are counted results, not exceptions (STYLE.md 9); on any result other than
 * {@link #OK} the packet's bytes and indexes are left as they were.
 */
public enum SrtpResult {
    /** Authenticated, fresh, decrypted in place; the trailer (tag, and for SRTCP the index) is removed. */
    OK,
    /**
     * Shorter than the clear header plus trailer: for SRTP the RTP header with its CSRCs and extension
     * (RFC 3550 §5.1, §5.3.1) plus the tag (10 bytes, 4 with _32); for SRTCP 8 header bytes, the 4-byte E||index
     * and the 10-byte tag.
     */
    TOO_SHORT,
    /**
     * The HMAC-SHA1 tag (80 or 32 bits) does not match (RFC 3711 §3.3 step 5, §4.2): tampered, wrong key or wrong
     * ROC.
     */
    AUTH_FAILED,
    /** Already received, or older than the 64-packet replay window (RFC 3711 §3.3.2). */
    REPLAYED
}
