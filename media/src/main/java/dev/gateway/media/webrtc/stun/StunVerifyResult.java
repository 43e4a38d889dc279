package dev.gateway.media.webrtc.stun;

/** Outcome of {@link StunIntegrity#verifyIntegrity} and {@link StunIntegrity#verifyFingerprint}. */
public enum StunVerifyResult {
    /** The attribute is present and its value matches. */
    OK,
    /** The message carries no such attribute (or is too malformed to find it). */
    ABSENT,
    /** The attribute is present but its value does not match the message. */
    MISMATCH
}
