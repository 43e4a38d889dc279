package dev.gateway.media.webrtc.stun;

/**
 * Attribute type codes this package knows (RFC 8489 §18.3, RFC 8445 §16.1). Types 0x0000-0x7FFF are
 * comprehension-required, 0x8000-0xFFFF comprehension-optional (RFC 8489 §14).
 */
public final class StunAttributeType {

    /** RFC 8489 §14.1; only parsed (legacy servers), never written. */
    public static final int MAPPED_ADDRESS = 0x0001;
    /** RFC 8489 §14.3. */
    public static final int USERNAME = 0x0006;
    /** RFC 8489 §14.5: HMAC-SHA1, 20 bytes. */
    public static final int MESSAGE_INTEGRITY = 0x0008;
    /** RFC 8489 §14.8. */
    public static final int ERROR_CODE = 0x0009;
    /** RFC 8489 §14.2. */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RFC 8445 §16.1: 32-bit priority of the peer-reflexive candidate the request would create. */
    public static final int PRIORITY = 0x0024;
    /** RFC 8445 §16.1: empty flag, the controlling agent nominates this pair. */
    public static final int USE_CANDIDATE = 0x0025;
    /** RFC 8489 §14.14. */
    public static final int SOFTWARE = 0x8022;
    /** RFC 8489 §14.7: CRC-32 of the message XOR 0x5354554e, always last. */
    public static final int FINGERPRINT = 0x8028;
    /** RFC 8445 §16.1: 64-bit tie-breaker of an agent that believes it is controlled. */
    public static final int ICE_CONTROLLED = 0x8029;
    /** RFC 8445 §16.1: 64-bit tie-breaker of an agent that believes it is controlling. */
    public static final int ICE_CONTROLLING = 0x802A;

    /** Types below this value must be understood by the receiver (RFC 8489 §14). */
    public static final int FIRST_COMPREHENSION_OPTIONAL = 0x8000;

    private StunAttributeType() {
    }

    /** True for types 0x0000-0x7FFF, which a receiver that does not know them must reject. */
    public static boolean isComprehensionRequired(int type) {
        return type < FIRST_COMPREHENSION_OPTIONAL;
    }
}
