package dev.gateway.media.webrtc.srtp;

/**
 * The cipher, MAC and salt of one packet kind (SRTP or SRTCP) in a {@link SrtpContext}: AES-CM encryption
 * (RFC 3711 §4.1.1) and the HMAC-SHA1 tag truncated to 80 or 32 bits (§4.2, {@link SrtpProfile}). Works on byte arrays so that heap
 * buffers are processed in place and direct ones through one copy.
 *
 * <p>Mutable scratch (the cipher's counter blocks, the MAC state, the digest array); neither thread-safe nor
 * meant to be shared. Confined to the owning context's event loop.
 */
final class SrtpTransform {

    /** Length of the 80-bit authentication tag on the wire, bytes (HMAC-SHA1-80; always so for SRTCP). */
    static final int TAG_LENGTH = 10;

    private final AesCm cipher;
    private final HmacSha1 mac;
    private final byte[] salt;
    private final byte[] digest = new byte[HmacSha1.LENGTH];
    /** Bytes of the tag on the wire: 10 or 4. */
    private final int tagLength;

    SrtpTransform(byte[] cipherKey, byte[] salt, byte[] authKey, int tagLength) {
        this.tagLength = tagLength;
        this.cipher = new AesCm(cipherKey);
        this.mac = new HmacSha1(authKey);
        this.salt = salt.clone();
    }

    /** Encrypts or decrypts {@code data[offset, offset + length)} in place for this SSRC and packet index. */
    void crypt(byte[] data, int offset, int length, int ssrc, long index) {
        cipher.setIv(salt, ssrc, index);
        cipher.apply(data, offset, length);
    }

    /**
     * Writes the tag over {@code data[offset, offset + length)}, followed for SRTP by the 32-bit ROC
     * (RFC 3711 §4.2: M = Authenticated Portion || ROC), to {@code data[offset + length, +tagLength)}.
     *
     * @param withRoc true for SRTP; SRTCP authenticates E||index, which is already part of the data
     */
    void writeTag(byte[] data, int offset, int length, boolean withRoc, int roc) {
        computeDigest(data, offset, length, withRoc, roc);
        System.arraycopy(digest, 0, data, offset + length, tagLength);
    }

    /**
     * True when {@code data[offset + length, +tagLength)} holds the tag over {@code data[offset, offset + length)}
     * (and the ROC, for SRTP). The comparison takes the same time wherever the tags differ.
     */
    boolean verifyTag(byte[] data, int offset, int length, boolean withRoc, int roc) {
        computeDigest(data, offset, length, withRoc, roc);
        int diff = 0;
        final int tag = offset + length;
        for (int i = 0; i < tagLength; i++) {
            diff |= digest[i] ^ data[tag + i];
        }
        return diff == 0;
    }

    private void computeDigest(byte[] data, int offset, int length, boolean withRoc, int roc) {
        mac.update(data, offset, length);
        if (withRoc) {
            mac.updateInt(roc);
        }
        mac.doFinal(digest, 0);
    }
}
