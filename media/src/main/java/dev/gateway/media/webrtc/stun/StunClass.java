package dev.gateway.media.webrtc.stun;

/**
 * The two class bits C1 C0 of a STUN message type (RFC 8489 §5). Immutable; safe from any thread.
 */
public enum StunClass {
    /** 0b00: a request, answered by a success or error response. */
    REQUEST(0b00),
    /** 0b01: an indication, not answered. */
    INDICATION(0b01),
    /** 0b10: a success response. */
    SUCCESS_RESPONSE(0b10),
    /** 0b11: an error response. */
    ERROR_RESPONSE(0b11);

    private static final StunClass[] BY_CODE = {REQUEST, INDICATION, SUCCESS_RESPONSE, ERROR_RESPONSE};

    private final int code;

    StunClass(int code) {
        this.code = code;
    }

    /** The two-bit class code (C1 C0). */
    public int code() {
        return code;
    }

    /** The class for a two-bit code; only the two low bits of {@code code} are used. */
    public static StunClass fromCode(int code) {
        return BY_CODE[code & 0b11];
    }
}
