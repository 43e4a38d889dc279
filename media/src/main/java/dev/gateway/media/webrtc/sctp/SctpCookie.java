package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The State Cookie we put in INIT ACK (RFC 4960 §5.1.3): everything needed to set up the association when the
 * COOKIE ECHO comes back, so nothing is kept per INIT, authenticated with HMAC-SHA256 under a per-association
 * secret. Immutable.
 *
 * <pre>
 * | local tag (4) | peer tag (4) | local initial TSN (4) | peer initial TSN (4) | peer a_rwnd (4) |
 * | flags (1, bit 0: peer supports FORWARD TSN) | created, nanos (8) | HMAC-SHA256 over the above (32) |
 * </pre>
 *
 * @param localTag        our initiate tag
 * @param peerTag         the INIT's initiate tag
 * @param localInitialTsn our initial TSN
 * @param peerInitialTsn  the INIT's initial TSN
 * @param peerWindow      the INIT's a_rwnd
 * @param peerForwardTsn  the INIT advertised PR-SCTP
 * @param createdNanos    injected clock at creation
 */
record SctpCookie(int localTag, int peerTag, int localInitialTsn, int peerInitialTsn, long peerWindow,
        boolean peerForwardTsn, long createdNanos) {

    private static final int BODY = 29;
    private static final int MAC = 32;

    byte[] seal(byte[] secret) {
        byte[] out = new byte[BODY + MAC];
        ByteBuf b = Unpooled.wrappedBuffer(out).clear();
        b.writeInt(localTag).writeInt(peerTag).writeInt(localInitialTsn).writeInt(peerInitialTsn)
                .writeInt((int) peerWindow).writeByte(peerForwardTsn ? 1 : 0).writeLong(createdNanos);
        b.writeBytes(hmac(secret, out));
        return out;
    }

    /** The cookie if its MAC verifies, else null. */
    static SctpCookie open(byte[] cookie, byte[] secret) {
        if (cookie.length != BODY + MAC) {
            return null;
        }
        byte[] mac = new byte[MAC];
        System.arraycopy(cookie, BODY, mac, 0, MAC);
        if (!MessageDigest.isEqual(mac, hmac(secret, cookie))) {
            return null;
        }
        ByteBuf b = Unpooled.wrappedBuffer(cookie);
        return new SctpCookie(b.readInt(), b.readInt(), b.readInt(), b.readInt(), b.readUnsignedInt(),
                (b.readByte() & 1) != 0, b.readLong());
    }

    private static byte[] hmac(byte[] secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(data, 0, BODY);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
        }
    }
}
