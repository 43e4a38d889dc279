package dev.gateway.media.webrtc.srtp;

import java.util.Locale;
import java.util.Optional;

/**
 * The SRTP crypto suites this gateway speaks, named as in RFC 4568 §6.2 (the SDES {@code a=crypto} names) and
 * RFC 5764 §4.1.2 (the DTLS-SRTP profiles). Both use AES-128 in counter mode with 112-bit salts and HMAC-SHA1;
 * they differ only in the length of the SRTP authentication tag. SRTCP always carries the 80-bit tag
 * (RFC 4568 §6.2.2: "SRTCP ... MUST use an 80-bit authentication tag"; libsrtp does the same).
 *
 * <p>Immutable; safe to share.
 */
public enum SrtpProfile {
    /** 80-bit SRTP tag (RFC 4568 §6.2.1): the default, and the only suite of Twilio's secure trunks. */
    AES_CM_128_HMAC_SHA1_80(10),
    /** 32-bit SRTP tag (RFC 4568 §6.2.2), saving 6 bytes per packet; SRTCP keeps 80 bits. */
    AES_CM_128_HMAC_SHA1_32(4);

    /** SRTCP tag length of both suites, bytes. */
    public static final int RTCP_TAG_LENGTH = 10;

    private final int rtpTagLength;

    SrtpProfile(int rtpTagLength) {
        this.rtpTagLength = rtpTagLength;
    }

    /** Bytes of the SRTP authentication tag appended to each RTP packet. */
    public int rtpTagLength() {
        return rtpTagLength;
    }

    /** Master key length in bytes (AES-128). */
    public int masterKeyLength() {
        return SrtpKeys.CIPHER_KEY_LENGTH;
    }

    /** Master salt length in bytes. */
    public int masterSaltLength() {
        return SrtpKeys.SALT_LENGTH;
    }

    /** The suite named {@code name} as written in an {@code a=crypto} line (case-insensitive), if we speak it. */
    public static Optional<SrtpProfile> bySuiteName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (SrtpProfile p : values()) {
            if (p.name().equals(upper)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
