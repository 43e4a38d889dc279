package dev.gateway.sip.metrics;

import java.util.Locale;

/**
 * Why a call ended, as a metric label: the free-text end reasons of the call log folded into a fixed set, so a
 * reason carrying a number, a room or a target cannot grow the label space. Matching is by the reasons' fixed
 * openings (see the {@code end(...)}, {@code hangup(...)} and {@code finish(...)} calls of the call package and
 * the agents); anything else is {@link #OTHER}.
 */
public enum EndCause {
    CALLER_BYE("caller hung up"),
    CALLER_CANCEL("rejected 487"),
    REJECTED("rejected "),
    DIAL_FAILED("dial failed"),
    API_HANGUP("hangup requested through the HTTP API"),
    AGENT_HANGUP("hangup requested by", "caller pressed #"),
    TRANSFERRED("transferred to"),
    MEDIA_TIMEOUT("media timeout"),
    NO_ACK("no ACK"),
    MAX_DURATION("maximum call duration"),
    SESSION_REFRESH_FAILED("session refresh failed"),
    DIALOG_TERMINATED("dialog terminated"),
    SHUTDOWN("gateway shutting down"),
    SWEPT("still "),
    ROOM_GONE("room ", "signalling ", "ping timeout", "protocol error", "closed by client", "participant "),
    OTHER();

    private final String[] openings;

    EndCause(String... openings) {
        this.openings = openings;
    }

    /** The label value, e.g. {@code caller_bye}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The cause of an end reason as the call logs it; {@link #OTHER} for null or an unknown one. */
    public static EndCause of(String reason) {
        if (reason == null) {
            return OTHER;
        }
        for (EndCause c : values()) {
            for (String o : c.openings) {
                if (reason.startsWith(o)) {
                    return c;
                }
            }
        }
        return OTHER;
    }
}
