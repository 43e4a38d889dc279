package dev.gateway.sip.call;

import java.util.Locale;

/**
 * A session timer request (RFC 4028): the {@code Session-Expires} interval and who refreshes. Immutable.
 *
 * <p>The gateway honours what the caller asks for and never demands timers itself. When the caller is the
 * refresher and a refresh does not come, the call is kept while its RTP still flows (the media timeout ends dead
 * calls): missed refreshes from otherwise healthy trunks are a known cause of dropped calls elsewhere.
 *
 * @param seconds      the interval, >= {@link #MIN_SECONDS}
 * @param weRefresh    true when the caller asked us (the UAS) to refresh
 */
public record SessionTimer(int seconds, boolean weRefresh) {
    /** RFC 4028 §4: the smallest interval allowed, and our Min-SE. */
    public static final int MIN_SECONDS = 90;

    /**
     * Reads a {@code Session-Expires} value like {@code 1800;refresher=uac}.
     *
     * @return null when the value is absent or unreadable (then no timer runs)
     */
    public static SessionTimer parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = value.split(";");
        int seconds;
        try {
            seconds = Integer.parseInt(parts[0].strip());
        } catch (NumberFormatException e) {
            return null;
        }
        boolean uas = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.equals("refresher=uas")) {
                uas = true;
            }
        }
        return new SessionTimer(seconds, uas);
    }

    /** Too short to honour: the answer is 422 with {@code Min-SE: 90}. */
    public boolean tooSmall() {
        return seconds < MIN_SECONDS;
    }

    /** The header value for our 2xx. */
    public String headerValue() {
        return seconds + ";refresher=" + (weRefresh ? "uas" : "uac");
    }

    /** When we send our refresh (RFC 4028 §10: half the interval). */
    public long refreshMillis() {
        return seconds * 500L;
    }

    /** When a missing refresh from the caller counts as missed (interval minus min(32 s, interval/3)). */
    public long expiryMillis() {
        return seconds * 1000L - Math.min(32_000L, seconds * 1000L / 3);
    }
}
