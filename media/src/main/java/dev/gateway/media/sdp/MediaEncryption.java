package dev.gateway.media.sdp;

/**
 * Whether a call's phone-side media may or must be SRTP keyed by SDES (RFC 4568), as LiveKit's trunks say with
 * {@code media_encryption} ({@code SIP_MEDIA_ENCRYPT_DISABLE / ALLOW / REQUIRE}). Immutable.
 */
public enum MediaEncryption {
    /** Plain RTP only: an {@code RTP/SAVP} offer is refused (488), outbound offers are {@code RTP/AVP}. */
    DISABLE,
    /** SRTP when the peer offers it ({@code RTP/SAVP} with a usable {@code a=crypto}), plain RTP otherwise. */
    ALLOW,
    /** SRTP only: a plain {@code RTP/AVP} offer is refused (488), outbound offers are {@code RTP/SAVP}. */
    REQUIRE;

    /** Whether {@code RTP/SAVP} may be answered or offered. */
    public boolean allowsSrtp() {
        return this != DISABLE;
    }

    /** Whether plain {@code RTP/AVP} may be answered. */
    public boolean allowsPlain() {
        return this != REQUIRE;
    }
}
