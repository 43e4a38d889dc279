package dev.gateway.sip.trunk;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a trunk may send calls: the numbers an outbound call may dial and the targets a transfer (REFER) may name,
 * against toll fraud (a {@code sip.call} token, or any participant of the room through the {@code sip.transfer}
 * RPC, dialling premium or far-away numbers at the operator's cost).
 *
 * <p>Patterns, one per entry:
 * <pre>
 *   +15105550100          exactly this number (visual separators - . ( ) and spaces are ignored)
 *   +1*                   every number starting with +1 (a trailing * is a prefix match)
 *   alice                 a SIP user part, exactly
 *   +44*@pbx.example.com  sip:/sips: targets on that host whose user part starts with +44 (transfers only)
 *   *@pbx.example.com     any user on that host
 *   *                     everything (an explicit "no restriction": no start-up warning)
 * </pre>
 * A pattern without a host matches a dialled number, a {@code tel:} target, and a {@code sip:} target whose host
 * is the trunk's own (the outbound trunk's address: the carrier routes it like a dialled number). A {@code sip:}
 * target on any other host matches only a pattern naming that host: a number rule never opens SIP routes to the
 * rest of the internet. The user part of a {@code sip:} target is percent-decoded before matching, so
 * {@code sip:%2B1900...@host} is {@code +1900...}.
 *
 * <p>{@link #UNRESTRICTED} stands for a trunk that sets no list at all (the compatible default, warned about at
 * start-up); an empty list allows nothing. Immutable and thread-safe.
 */
public final class DestinationList {

    /** No list configured: everything passes, and {@link #restricted()} is false so start-up can warn. */
    public static final DestinationList UNRESTRICTED = new DestinationList(List.of(), true);

    /** Characters of a number or user part in a pattern (RFC 3261 user unreserved plus '+'), before any '*'. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9+\\-_.!~'()&=$, ]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+");
    private static final Pattern VISUAL_SEPARATORS = Pattern.compile("[\\-.() ]");

    /** One parsed pattern. {@code host} is null for a number pattern; {@code user} is normalised. */
    private record Rule(String text, String user, boolean prefix, String host) {
        boolean matchesUser(String candidate) {
            return prefix ? candidate.startsWith(user) : candidate.equals(user);
        }
    }

    private final List<Rule> rules;
    private final boolean any;

    private DestinationList(List<Rule> rules, boolean any) {
        this.rules = List.copyOf(rules);
        this.any = any;
    }

    /**
     * Parses a configured list.
     *
     * @throws IllegalArgumentException naming the bad entry and why
     */
    public static DestinationList parse(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        boolean any = false;
        for (String raw : patterns) {
            String p = Objects.requireNonNull(raw, "pattern").strip();
            if (p.equals("*")) {
                any = true;
                continue;
            }
            int at = p.lastIndexOf('@');
            String user = at < 0 ? p : p.substring(0, at);
            String host = at < 0 ? null : p.substring(at + 1);
            if (host != null) {
                if (!HOST.matcher(host).matches()) {
                    throw new IllegalArgumentException("'" + raw + "': the part after @ must be a host name or address");
                }
                host = hostOnly(host);
            }
            boolean prefix = user.endsWith("*");
            String fixed = prefix ? user.substring(0, user.length() - 1) : user;
            if (fixed.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'" + raw + "': '*' may only end the pattern (a prefix match)");
            }
            if (!USER.matcher(fixed).matches()) {
                throw new IllegalArgumentException("'" + raw + "': not a number, number prefix or SIP user part");
            }
            String normalised = normalise(fixed);
            if (normalised.isEmpty() && !(prefix && host != null)) {
                throw new IllegalArgumentException("'" + raw + "': empty; write * to allow everything");
            }
            rules.add(new Rule(p, normalised, prefix, host));
        }
        return new DestinationList(rules, any);
    }

    /** False only for {@link #UNRESTRICTED}: the trunk set no list. */
    public boolean restricted() {
        return this != UNRESTRICTED;
    }

    /** True when {@code number} (a dialled number or user part, as CreateSIPParticipant's sip_call_to) may be called. */
    public boolean allowsNumber(String number) {
        if (any || this == UNRESTRICTED) {
            return true;
        }
        String n = normalise(number);
        for (Rule r : rules) {
            if (r.host() == null && r.matchesUser(n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a transfer may name {@code target}.
     *
     * @param target    a {@code tel:}, {@code sip:} or {@code sips:} URI (already checked for shape)
     * @param trunkHost the host number patterns also cover for {@code sip:} targets (an outbound trunk's address
     *                  host), or null for none (inbound trunks)
     */
    public boolean allowsTarget(String target, String trunkHost) {
        if (any || this == UNRESTRICTED) {
            return true;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("tel:")) {
            return allowsNumber(stripParameters(target.substring(4)));
        }
        int colon = target.indexOf(':');
        String rest = stripParameters(target.substring(colon + 1));
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? "" : normalise(percentDecode(rest.substring(0, at)));
        String host = hostOnly(rest.substring(at + 1));
        boolean ownHost = trunkHost != null && host.equals(hostOnly(trunkHost));
        for (Rule r : rules) {
            boolean hostOk = r.host() == null ? ownHost : r.host().equals(host);
            if (hostOk && r.matchesUser(user)) {
                return true;
            }
        }
        return false;
    }

    /** Removes the visual separators of a phone number; a SIP user part without them is unchanged. */
    static String normalise(String number) {
        return VISUAL_SEPARATORS.matcher(number.strip()).replaceAll("");
    }

    private static String stripParameters(String s) {
        int end = s.length();
        for (char c : new char[] {';', '?', '>'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return s.substring(0, end);
    }

    /** {@code host[:port]}, {@code [v6]:port} or a bare host to the host alone: lower case, no brackets, no dot at the end. */
    private static String hostOnly(String hostPort) {
        String h = hostPort;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h.substring(1) : h.substring(1, end);
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static String percentDecode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape matches no pattern that is written without one
        }
    }

    @Override
    public String toString() {
        if (this == UNRESTRICTED) {
            return "(unrestricted)";
        }
        List<String> texts = new ArrayList<>();
        if (any) {
            texts.add("*");
        }
        rules.forEach(r -> texts.add(r.text()));
        return texts.toString();
    }
}
