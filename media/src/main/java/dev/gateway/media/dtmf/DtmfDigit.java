package dev.gateway.media.dtmf;

/**
 * DTMF digits and their RFC 4733 §3.2 event codes: {@code '0'..'9'} = 0..9, {@code '*'} = 10, {@code '#'} = 11,
 * {@code 'A'..'D'} = 12..15 (lower-case {@code 'a'..'d'} accepted on input).
 *
 * <p>Thread-safe: stateless.
 */
public final class DtmfDigit {
    /** Highest DTMF event code (digit 'D'). */
    public static final int MAX_EVENT = 15;

    private static final String DIGITS = "0123456789*#ABCD";

    private DtmfDigit() {
    }

    /** The digit for {@code event}, or {@code 0} (the NUL char) when {@code event} is outside 0..15. */
    public static char toChar(int event) {
        return event >= 0 && event <= MAX_EVENT ? DIGITS.charAt(event) : 0;
    }

    /** The event code for {@code c}, or -1 when {@code c} is not a DTMF digit. */
    public static int toEvent(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        switch (c) {
            case '*': return 10;
            case '#': return 11;
            case 'A': case 'a': return 12;
            case 'B': case 'b': return 13;
            case 'C': case 'c': return 14;
            case 'D': case 'd': return 15;
            default: return -1;
        }
    }

    /** Whether {@code c} is a DTMF digit (0-9, *, #, A-D, a-d). */
    public static boolean isValid(char c) {
        return toEvent(c) >= 0;
    }
}
