package dev.gateway.media.webrtc.stun;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5) and FINGERPRINT (§14.7) over raw message bytes.
 *
 * <p>MESSAGE-INTEGRITY is HMAC-SHA1 keyed with the short-term password (ICE: the peer's {@code ice-pwd} as
 * UTF-8; RFC 8489 §9.1.1 OpaqueString processing is the identity for ICE's ASCII ice-chars) over the message up
 * to the attribute, with the header length field adjusted to end just after MESSAGE-INTEGRITY (so a FINGERPRINT
 * that follows is excluded). FINGERPRINT is the CRC-32 of the message up to the attribute XOR 0x5354554e.
 *
 * <p>Static and thread-safe: each thread keeps its own {@link Mac}. Buffer indexes are never moved.
 */
public final class StunIntegrity {

    /** Size of the HMAC-SHA1 value. */
    public static final int HMAC_LENGTH = 20;
    /** Size of the CRC-32 value. */
    public static final int FINGERPRINT_LENGTH = 4;
    /** XORed into the CRC-32 so FINGERPRINT differs from other protocols' CRCs (RFC 8489 §14.7). */
    public static final int FINGERPRINT_XOR = 0x5354554E;

    private static final String HMAC_SHA1 = "HmacSHA1";
    private static final int OFFSET_LENGTH = 2;
    private static final int AFTER_LENGTH = 4;
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(HMAC_SHA1);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has HmacSHA1", e);
        }
    });

    private StunIntegrity() {
    }

    /** The short-term credential key for a password (RFC 8489 §9.1.1): its UTF-8 bytes. */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Verifies MESSAGE-INTEGRITY of the message in {@code raw} (reader index to writer index) with {@code key}.
     * ABSENT also covers messages too malformed to locate the attribute.
     */
    public static StunVerifyResult verifyIntegrity(ByteBuf raw, byte[] key) {
        int start = raw.readerIndex();
        int offset = StunCodec.findAttribute(raw, StunAttributeType.MESSAGE_INTEGRITY);
        if (offset < 0 || raw.getUnsignedShort(start + offset + 2) != HMAC_LENGTH) {
            return StunVerifyResult.ABSENT;
        }
        byte[] expected = hmac(raw, start, offset, key);
        byte[] actual = new byte[HMAC_LENGTH];
        raw.getBytes(start + offset + StunCodec.ATTRIBUTE_HEADER_SIZE, actual);
        return MessageDigest.isEqual(expected, actual) ? StunVerifyResult.OK : StunVerifyResult.MISMATCH;
    }

    /** Verifies FINGERPRINT, which must be the last attribute, of the message in {@code raw}. */
    public static StunVerifyResult verifyFingerprint(ByteBuf raw) {
        int start = raw.readerIndex();
        int offset = StunCodec.findAttribute(raw, StunAttributeType.FINGERPRINT);
        if (offset < 0 || raw.getUnsignedShort(start + offset + 2) != FINGERPRINT_LENGTH) {
            return StunVerifyResult.ABSENT;
        }
        int total = StunCodec.HEADER_SIZE + raw.getUnsignedShort(start + OFFSET_LENGTH);
        if (offset + StunCodec.ATTRIBUTE_HEADER_SIZE + FINGERPRINT_LENGTH != total) {
            return StunVerifyResult.MISMATCH; // not last
        }
        int actual = raw.getInt(start + offset + StunCodec.ATTRIBUTE_HEADER_SIZE);
        return fingerprint(raw, start, offset) == actual ? StunVerifyResult.OK : StunVerifyResult.MISMATCH;
    }

    /**
     * HMAC-SHA1 over {@code length} bytes of the message at {@code start} as if its length field said the message
     * ended right after a MESSAGE-INTEGRITY attribute placed at {@code length}.
     */
    static byte[] hmac(ByteBuf buf, int start, int length, byte[] key) {
        Mac mac = MAC.get();
        try {
            // SecretKeySpec rejects an empty key; HMAC pads keys with zeros, so one zero byte is the same key
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, HMAC_SHA1));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 accepts any key", e);
        }
        int adjusted = length - StunCodec.HEADER_SIZE + StunCodec.ATTRIBUTE_HEADER_SIZE + HMAC_LENGTH;
        mac.update(buf.nioBuffer(start, OFFSET_LENGTH));
        mac.update((byte) (adjusted >>> 8));
        mac.update((byte) adjusted);
        mac.update(buf.nioBuffer(start + AFTER_LENGTH, length - AFTER_LENGTH));
        return mac.doFinal();
    }

    /** CRC-32 of {@code length} bytes at {@code start}, XOR {@link #FINGERPRINT_XOR}. */
    static int fingerprint(ByteBuf buf, int start, int length) {
        CRC32 crc = new CRC32();
        crc.update(buf.nioBuffer(start, length));
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }
}
