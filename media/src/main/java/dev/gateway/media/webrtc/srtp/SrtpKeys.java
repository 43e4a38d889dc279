package dev.gateway.media.webrtc.srtp;

import java.util.Arrays;

/**
 * The six session keys of one SRTP crypto context, derived from a master key and master salt with the
 * AES-CM PRF of RFC 3711 §4.3 (§4.3.1 derivation, §4.3.3 PRF) at key derivation rate 0, so derived once.
 *
 * <pre>
 *   key_id = label || (index DIV kdr)          kdr = 0: the 48-bit r is zero
 *   x      = key_id XOR master_salt            56-bit key_id aligned to the low end of the 112-bit salt
 *   key    = AES-CM(master_key, IV = x * 2^16) first n bytes of the keystream
 * </pre>
 *
 * Labels (RFC 3711 §4.3.1 and §4.3.2): 0x00 SRTP cipher key, 0x01 SRTP auth key, 0x02 SRTP salt, 0x03 SRTCP
 * cipher key, 0x04 SRTCP auth key, 0x05 SRTCP salt. Sizes are those of AES_CM_128_HMAC_SHA1_80 (RFC 4568
 * §6.2.1, RFC 5764 §4.1.2): 16-byte cipher keys, 20-byte auth keys, 14-byte salts.
 *
 * <p>Immutable; accessors return copies. Safe to share between threads.
 */
public final class SrtpKeys {

    /** Master and session cipher key length in bytes (AES-128). */
    public static final int CIPHER_KEY_LENGTH = 16;
    /** Master and session salt length in bytes. */
    public static final int SALT_LENGTH = AesCm.SALT_LENGTH;
    /** Session authentication key length in bytes (HMAC-SHA1, RFC 3711 §8.2). */
    public static final int AUTH_KEY_LENGTH = 20;

    static final int LABEL_RTP_CIPHER = 0x00;
    static final int LABEL_RTP_AUTH = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_CIPHER = 0x03;
    static final int LABEL_RTCP_AUTH = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    /** Byte of the 14-byte salt the label lands on: key_id is 7 bytes, right-aligned. */
    private static final int LABEL_OFFSET = 7;

    private final byte[] rtpCipherKey;
    private final byte[] rtpAuthKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpCipherKey;
    private final byte[] rtcpAuthKey;
    private final byte[] rtcpSalt;

    private SrtpKeys(byte[] masterKey, byte[] masterSalt) {
        rtpCipherKey = prf(masterKey, masterSalt, LABEL_RTP_CIPHER, CIPHER_KEY_LENGTH);
        rtpAuthKey = prf(masterKey, masterSalt, LABEL_RTP_AUTH, AUTH_KEY_LENGTH);
        rtpSalt = prf(masterKey, masterSalt, LABEL_RTP_SALT, SALT_LENGTH);
        rtcpCipherKey = prf(masterKey, masterSalt, LABEL_RTCP_CIPHER, CIPHER_KEY_LENGTH);
        rtcpAuthKey = prf(masterKey, masterSalt, LABEL_RTCP_AUTH, AUTH_KEY_LENGTH);
        rtcpSalt = prf(masterKey, masterSalt, LABEL_RTCP_SALT, SALT_LENGTH);
    }

    /**
     * Derives the session keys.
     *
     * @param masterKey  16 bytes, e.g. from the DTLS-SRTP exporter (RFC 5764 §4.2); not retained
     * @param masterSalt 14 bytes; not retained
     * @throws IllegalArgumentException if a length is wrong
     */
    public static SrtpKeys derive(byte[] masterKey, byte[] masterSalt) {
        checkLength("master key", masterKey, CIPHER_KEY_LENGTH);
        checkLength("master salt", masterSalt, SALT_LENGTH);
        return new SrtpKeys(masterKey, masterSalt);
    }

    /** The AES-CM PRF of RFC 3711 §4.3.3 with r = 0: the first {@code length} bytes for {@code label}. */
    static byte[] prf(byte[] masterKey, byte[] masterSalt, int label, int length) {
        final byte[] x = Arrays.copyOf(masterSalt, SALT_LENGTH);
        x[LABEL_OFFSET] ^= (byte) label;
        final AesCm aes = new AesCm(masterKey);
        aes.setIv(x, 0, 0);
        final byte[] out = new byte[length];
        aes.apply(out, 0, length);
        return out;
    }

    static void checkLength(String what, byte[] value, int expected) {
        if (value == null || value.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " bytes, got "
                    + (value == null ? "null" : value.length));
        }
    }

    /** k_e, label 0x00, 16 bytes. */
    public byte[] rtpCipherKey() {
        return rtpCipherKey.clone();
    }

    /** k_a, label 0x01, 20 bytes. */
    public byte[] rtpAuthKey() {
        return rtpAuthKey.clone();
    }

    /** k_s, label 0x02, 14 bytes. */
    public byte[] rtpSalt() {
        return rtpSalt.clone();
    }

    /** SRTCP k_e, label 0x03, 16 bytes. */
    public byte[] rtcpCipherKey() {
        return rtcpCipherKey.clone();
    }

    /** SRTCP k_a, label 0x04, 20 bytes. */
    public byte[] rtcpAuthKey() {
        return rtcpAuthKey.clone();
    }

    /** SRTCP k_s, label 0x05, 14 bytes. */
    public byte[] rtcpSalt() {
        return rtcpSalt.clone();
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "SrtpKeys[AES_CM_128_HMAC_SHA1_80]";
    }
}
