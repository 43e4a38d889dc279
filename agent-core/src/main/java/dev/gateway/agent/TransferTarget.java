package dev.gateway.agent;

import java.util.regex.Pattern;

/**
 * What a transfer target (HTTP API, Twirp TransferSIPParticipant, the room's {@code sip.transfer} RPC) may be: a
 * {@code sip:}/{@code sips:} URI with a host, or a {@code tel:} number, at most {@value #MAX_LENGTH} characters, with
 * no space or control character. The target ends up in a Refer-To header: a CR or LF in it would let the caller of
 * the API write headers of their own into the REFER.
 *
 * <p>Stateless, thread-safe.
 */
public final class TransferTarget {
    static final int MAX_LENGTH = 256;
    private static final Pattern SIP = Pattern.compile("(?i)sips?:([^@;?]+@)?[A-Za-z0-9.\\-\\[\\]:]+([;?].*)?");
    private static final Pattern TEL = Pattern.compile("(?i)tel:\\+?[0-9*#()\\-.]+(;.*)?");

    private TransferTarget() {
    }

    /** Why {@code target} cannot be transferred to, or null when it can. */
    public static String problem(String target) {
        if (target == null || target.isEmpty()) {
            return "a transfer target is required (sip:, sips: or tel: URI)";
        }
        if (target.length() > MAX_LENGTH) {
            return "the transfer target is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "the transfer target may not contain spaces or control characters (found U+"
                        + String.format("%04X", (int) c) + " at " + i + ")";
            }
        }
        if (!SIP.matcher(target).matches() && !TEL.matcher(target).matches()) {
            return "the transfer target must be a sip: or sips: URI with a host, or a tel: number, got '" + target + "'";
        }
        return null;
    }
}
