package dev.gateway.media.webrtc.srtp;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * HMAC-SHA1 (RFC 2104) over a reused JCA {@code SHA-1} {@link MessageDigest}, writing into a caller array.
 *
 * <p>Why not {@code javax.crypto.Mac}: on JDK 17 {@code Mac.doFinal(byte[], int)} still allocates the digest
 * internally (measured 40 bytes per call), while {@code MessageDigest.digest(byte[], int, int)} allocates
 * nothing. The work per message is the same as the JDK's own HMAC, which also re-hashes the padded key after
 * every reset. {@code HmacSha1Test} checks this class against {@code Mac.getInstance("HmacSHA1")}.
 *
 * <p>Mutable: holds the running digest. Neither thread-safe nor meant to be shared.
 */
final class HmacSha1 {

    /** Output length in bytes. */
    static final int LENGTH = 20;

    private static final int BLOCK = 64;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];

    /** @param key the authentication key, any length (keys over 64 bytes are hashed first, RFC 2104 §2). */
    HmacSha1(byte[] key) {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
        final byte[] k = key.length > BLOCK ? sha1.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            final byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ IPAD);
            outerPad[i] = (byte) (b ^ OPAD);
        }
        sha1.update(innerPad);
    }

    void update(byte[] data, int offset, int length) {
        sha1.update(data, offset, length);
    }

    /** Feeds {@code value} as 4 big-endian bytes (the ROC of RFC 3711 §4.2). */
    void updateInt(int value) {
        sha1.update((byte) (value >>> 24));
        sha1.update((byte) (value >>> 16));
        sha1.update((byte) (value >>> 8));
        sha1.update((byte) value);
    }

    /** Writes the 20-byte MAC of everything fed since the last call to {@code out[offset..]} and resets. */
    void doFinal(byte[] out, int offset) {
        try {
            sha1.digest(inner, 0, LENGTH);
            sha1.update(outerPad);
            sha1.update(inner);
            sha1.digest(out, offset, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        sha1.update(innerPad);
    }
}
