package dev.gateway.media.sdp;

/**
 * The direction attribute of a session or media description (RFC 4566 §6, RFC 3264 §5.1), seen from the side
 * that wrote the description. A description without one is {@link #SENDRECV} by default (RFC 3264 §5.1); the
 * parser reports absence as {@code null} so that callers can tell the two apart.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum MediaDirection {
    /** {@code a=sendrecv}: the writer sends and receives. */
    SENDRECV("sendrecv"),
    /** {@code a=sendonly}: the writer only sends (for example a party that put the call on hold). */
    SENDONLY("sendonly"),
    /** {@code a=recvonly}: the writer only receives. */
    RECVONLY("recvonly"),
    /** {@code a=inactive}: no media in either direction. */
    INACTIVE("inactive");

    private final String attribute;

    MediaDirection(String attribute) {
        this.attribute = attribute;
    }

    /** The SDP attribute name, for example {@code "sendrecv"}. */
    public String attribute() {
        return attribute;
    }

    /**
     * Looks up a direction by its attribute name (case-insensitive, surrounding whitespace ignored).
     *
     * @return the direction, or {@code null} when {@code name} is null or not one of the four direction attributes
     */
    public static MediaDirection ofAttribute(String name) {
        if (name == null) {
            return null;
        }
        String trimmed = name.strip();
        for (MediaDirection d : values()) {
            if (d.attribute.equalsIgnoreCase(trimmed)) {
                return d;
            }
        }
        return null;
    }

    /**
     * The direction an answerer puts in its answer to an offer with this direction, when the answerer itself is
     * willing to send and receive (RFC 3264 §6.1): sendonly is answered recvonly, recvonly is answered sendonly,
     * inactive stays inactive and sendrecv stays sendrecv.
     */
    public MediaDirection answerTo() {
        return switch (this) {
            case SENDRECV -> SENDRECV;
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            case INACTIVE -> INACTIVE;
        };
    }

    /** Whether the writer of this direction is willing to receive media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** Whether the writer of this direction is willing to send media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }
}
