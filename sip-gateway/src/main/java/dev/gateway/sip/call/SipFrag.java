package dev.gateway.sip.call;

/**
 * Reads the status line of a {@code message/sipfrag} body (RFC 3420), as REFER progress NOTIFYs carry it
 * (RFC 3515 §2.4.5): {@code SIP/2.0 200 OK}. Pure, thread-safe.
 */
final class SipFrag {
    private SipFrag() {
    }

    /** @return the status code, or -1 when the body does not start with a SIP status line */
    static int statusCode(String body) {
        String line = body.strip();
        int eol = line.indexOf('\n');
        if (eol >= 0) {
            line = line.substring(0, eol).strip();
        }
        if (!line.regionMatches(true, 0, "SIP/2.0 ", 0, 8) || line.length() < 11) {
            return -1;
        }
        String code = line.substring(8, 11);
        for (int i = 0; i < 3; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        if (line.length() > 11 && line.charAt(11) != ' ') {
            return -1; // "SIP/2.0 2001 OK" is not a status line
        }
        int status = Integer.parseInt(code);
        return status >= 100 && status <= 699 ? status : -1;
    }
}
