package dev.gateway.media.sdp;

/**
 * The one exception of the SDP package: a session description that cannot be parsed, uses something this gateway
 * does not speak, or offers no codec in common with us. It carries the facts (kind, 1-based line number, the
 * offending line, a reason) so that a SIP layer can map it to a response without parsing the message:
 * {@link Kind#MALFORMED} to 400 Bad Request, {@link Kind#UNSUPPORTED} and {@link Kind#NO_COMMON_CODEC} to
 * 488 Not Acceptable Here (RFC 3261 §21.4.26, RFC 3264 §6).
 *
 * <p>Immutable apart from the inherited stack trace; safe to share between threads.
 */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough to choose a SIP status code. */
    public enum Kind {
        /** The text violates the RFC 4566 grammar (maps to SIP 400). */
        MALFORMED,
        /** Well formed but uses a version, transport or feature this gateway does not implement (maps to 488). */
        UNSUPPORTED,
        /** Well formed, but no offered audio format matches a locally supported one (maps to 488). */
        NO_COMMON_CODEC
    }

    private final Kind kind;
    private final int lineNumber;
    private final String line;
    private final String reason;

    /**
     * @param kind       what went wrong, not null
     * @param lineNumber 1-based number of the offending line, 0 when the problem is not tied to one line
     * @param line       the offending line without its line ending, or {@code ""}; null is taken as {@code ""}
     * @param reason     a short human-readable explanation, not null
     */
    public SdpException(Kind kind, int lineNumber, String line, String reason) {
        super(message(kind, lineNumber, line, reason));
        if (kind == null || reason == null) {
            throw new NullPointerException("kind and reason are required");
        }
        if (lineNumber < 0) {
            throw new IllegalArgumentException("lineNumber must be >= 0: " + lineNumber);
        }
        this.kind = kind;
        this.lineNumber = lineNumber;
        this.line = line == null ? "" : line;
        this.reason = reason;
    }

    /** A problem that is not tied to one line of the text. */
    public static SdpException of(Kind kind, String reason) {
        return new SdpException(kind, 0, "", reason);
    }

    private static String message(Kind kind, int lineNumber, String line, String reason) {
        StringBuilder sb = new StringBuilder().append(kind).append(": ").append(reason);
        if (lineNumber > 0) {
            sb.append(" (line ").append(lineNumber).append(')');
        }
        if (line != null && !line.isEmpty()) {
            sb.append(": \"").append(line).append('"');
        }
        return sb.toString();
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** 1-based number of the offending line, or 0 when not applicable. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The offending line without its line ending, or {@code ""}. */
    public String line() {
        return line;
    }

    /** A short explanation, without line number or line. */
    public String reason() {
        return reason;
    }
}
