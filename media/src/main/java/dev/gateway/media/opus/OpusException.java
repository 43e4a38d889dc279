package dev.gateway.media.opus;

/**
 * A libopus call that returned an error code. Carries the numeric code (negative, as in {@code opus_defines.h})
 * and the operation that failed; {@link #errorName()} is the libopus constant's name ({@code OPUS_BAD_ARG} ...).
 *
 * <p>Bad arguments that Java can see before calling into libopus (ranges, frame sizes) are
 * {@link IllegalArgumentException}s instead; this one means libopus itself refused, e.g. a corrupt packet
 * ({@code OPUS_INVALID_PACKET}) or an output buffer too small for the packet's duration
 * ({@code OPUS_BUFFER_TOO_SMALL}). Immutable apart from the inherited stack trace; safe to share.
 */
public final class OpusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int OPUS_OK = 0;
    public static final int OPUS_BAD_ARG = -1;
    public static final int OPUS_BUFFER_TOO_SMALL = -2;
    public static final int OPUS_INTERNAL_ERROR = -3;
    public static final int OPUS_INVALID_PACKET = -4;
    public static final int OPUS_UNIMPLEMENTED = -5;
    public static final int OPUS_INVALID_STATE = -6;
    public static final int OPUS_ALLOC_FAIL = -7;

    private final int code;
    private final String operation;

    /**
     * @param code      the libopus return value (negative)
     * @param operation the call that failed, e.g. {@code "opus_decode"}
     * @param detail    extra facts for the message (sizes, rates), or {@code ""}
     */
    OpusException(int code, String operation, String detail) {
        super(operation + " failed: " + errorName(code) + " (" + code + ")" + (detail.isEmpty() ? "" : ", " + detail));
        this.code = code;
        this.operation = operation;
    }

    /** The libopus error code, e.g. -4 for {@code OPUS_INVALID_PACKET}. */
    public int code() {
        return code;
    }

    /** The libopus name of {@link #code()}, e.g. {@code "OPUS_INVALID_PACKET"}. */
    public String errorName() {
        return errorName(code);
    }

    /** The libopus function that returned the error. */
    public String operation() {
        return operation;
    }

    /** The {@code opus_defines.h} name of a libopus return code; {@code "OPUS_ERROR_<n>"} for unknown codes. */
    public static String errorName(int code) {
        switch (code) {
            case OPUS_OK: return "OPUS_OK";
            case OPUS_BAD_ARG: return "OPUS_BAD_ARG";
            case OPUS_BUFFER_TOO_SMALL: return "OPUS_BUFFER_TOO_SMALL";
            case OPUS_INTERNAL_ERROR: return "OPUS_INTERNAL_ERROR";
            case OPUS_INVALID_PACKET: return "OPUS_INVALID_PACKET";
            case OPUS_UNIMPLEMENTED: return "OPUS_UNIMPLEMENTED";
            case OPUS_INVALID_STATE: return "OPUS_INVALID_STATE";
            case OPUS_ALLOC_FAIL: return "OPUS_ALLOC_FAIL";
            default: return "OPUS_ERROR_" + code;
        }
    }
}
