package dev.gateway.media.webrtc.ice;

/**
 * A malformed ICE candidate line (signalling input, not a packet, so an exception is fine). Carries the input and
 * the name of the field that failed.
 */
public final class IceParseException extends IllegalArgumentException {

    private final String input;
    private final String field;

    public IceParseException(String input, String field, String problem) {
        super("bad ICE candidate " + field + " (" + problem + "): " + input);
        this.input = input;
        this.field = field;
    }

    /** The whole line as given. */
    public String input() {
        return input;
    }

    /** The grammar element that failed, e.g. "priority". */
    public String field() {
        return field;
    }
}
