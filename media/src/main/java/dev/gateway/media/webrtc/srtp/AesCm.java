package dev.gateway.media.webrtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 in Segmented Integer Counter Mode as SRTP uses it (RFC 3711 §4.1.1): keystream block {@code j} is
 * AES(key, IV + j), with {@code j} filling the IV's low 16 bits, which the IV construction leaves zero. Built on
 * {@code AES/ECB/NoPadding} over counter blocks written into a reusable scratch array; applying the keystream
 * allocates nothing.
 *
 * <p>Mutable scratch: the IV and the counter and keystream buffers belong to this instance. Neither
 * thread-safe nor meant to be shared; owned by one {@link SrtpTransform} or used once for key derivation.
 */
final class AesCm {

    /** AES block size in bytes. */
    static final int BLOCK_SIZE = 16;
    /** Salt length in bytes (112 bits, RFC 3711 §8.2). */
    static final int SALT_LENGTH = 14;
    /** Longest keystream one IV yields: 2^16 blocks, the room left by the zero low 16 bits of the IV. */
    static final int MAX_KEYSTREAM = (1 << 16) * BLOCK_SIZE;

    private static final int CHUNK_BLOCKS = 64;
    private static final int OFFSET_SSRC = 4;
    private static final int OFFSET_INDEX = 8;
    private static final int INDEX_BYTES = 6;

    private final Cipher aes;
    private final byte[] iv = new byte[BLOCK_SIZE];
    private final byte[] counters = new byte[CHUNK_BLOCKS * BLOCK_SIZE];
    private final byte[] keystream = new byte[CHUNK_BLOCKS * BLOCK_SIZE];

    /** @param key the 16-byte AES key; copied by the JCE key spec. */
    AesCm(byte[] key) {
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB/NoPadding unavailable", e);
        }
    }

    /**
     * Sets IV = (salt * 2^16) XOR (ssrc * 2^64) XOR (index * 2^16) (RFC 3711 §4.1.1).
     *
     * @param salt  14 bytes: the session salt, or for key derivation the PRF input x (§4.3.1)
     * @param ssrc  the SSRC, unsigned 32 bits held in an int
     * @param index the 48-bit packet index ROC||SEQ, or the 31-bit SRTCP index
     */
    void setIv(byte[] salt, int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, SALT_LENGTH);
        iv[SALT_LENGTH] = 0;
        iv[SALT_LENGTH + 1] = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            iv[OFFSET_SSRC + i] ^= (byte) (ssrc >>> (8 * (Integer.BYTES - 1 - i)));
        }
        for (int i = 0; i < INDEX_BYTES; i++) {
            iv[OFFSET_INDEX + i] ^= (byte) (index >>> (8 * (INDEX_BYTES - 1 - i)));
        }
    }

    /**
     * XORs the keystream for the current IV, from block 0, into {@code data[offset, offset + length)}.
     * Encryption and decryption are the same operation.
     */
    void apply(byte[] data, int offset, int length) {
        if (length < 0 || length > MAX_KEYSTREAM) {
            throw new IllegalArgumentException("keystream length " + length + " outside [0, " + MAX_KEYSTREAM + "]");
        }
        int done = 0;
        int block = 0;
        while (done < length) {
            final int n = Math.min(length - done, keystream.length);
            final int blocks = (n + BLOCK_SIZE - 1) / BLOCK_SIZE;
            for (int b = 0; b < blocks; b++, block++) {
                final int at = b * BLOCK_SIZE;
                System.arraycopy(iv, 0, counters, at, SALT_LENGTH);
                counters[at + SALT_LENGTH] = (byte) (block >>> 8);
                counters[at + SALT_LENGTH + 1] = (byte) block;
            }
            try {
                aes.update(counters, 0, blocks * BLOCK_SIZE, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            final int base = offset + done;
            for (int i = 0; i < n; i++) {
                data[base + i] ^= keystream[i];
            }
            done += n;
        }
    }
}
