package dev.gateway.sip.trunk;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the inbound trunk for an INVITE, the way LiveKit's SIP service does. Immutable and thread-safe.
 *
 * <p>Selection:
 * <ol>
 *   <li>With no inbound trunk configured at all, every call matches an open trunk with id {@code "default"}
 *       ({@link InboundTrunk#open()}); the loader reports this as {@code GatewayConfig.openInbound()} so that
 *       {@code main} can warn about it.</li>
 *   <li>Trunks whose {@code numbers} contain the called number are tried first; trunks with empty
 *       {@code numbers} are wildcards tried after them. Numbers compare as digit strings when they look like
 *       phone numbers ({@code +1 (555) 010-0000} equals {@code 15550100000}), otherwise exactly.</li>
 *   <li>Within a group, a trunk whose {@code allowed_addresses} explicitly list the source beats one that allows
 *       any source; ties go to configuration order. The caller must also pass {@code allowed_numbers}.</li>
 *   <li>If no trunk accepts the call, the first rejection in that order is reported: source not allowed or caller
 *       not allowed (SIP 403). {@link NoTrunk} (SIP 404) means no trunk serves the called number.</li>
 * </ol>
 */
public final class InboundTrunkMatcher {

    /** Outcome of {@link #match}. */
    public sealed interface Match permits Matched, NoTrunk, SourceNotAllowed, CallerNotAllowed {
    }

    /** The call belongs to {@code trunk}. */
    public record Matched(InboundTrunk trunk) implements Match {
    }

    /** No trunk serves the called number: answer 404. */
    public record NoTrunk() implements Match {
    }

    /** The trunk for this number does not accept INVITEs from this source: answer 403. */
    public record SourceNotAllowed(String trunkName) implements Match {
    }

    /** The trunk for this number does not accept this caller number: answer 403. */
    public record CallerNotAllowed(String trunkName) implements Match {
    }

    private final List<InboundTrunk> trunks;
    private final List<Cidr> listed;
    private final boolean closed;

    public InboundTrunkMatcher(List<InboundTrunk> trunks) {
        this.trunks = List.copyOf(trunks);
        this.listed = trunks.stream().flatMap(t -> t.allowedAddresses().stream()).distinct().toList();
        this.closed = !trunks.isEmpty() && trunks.stream().noneMatch(t -> t.allowedAddresses().isEmpty());
    }

    /** True when some trunk's {@code allowed_addresses} contain {@code source} (a trunk's peer, e.g. Twilio). */
    public boolean lists(InetAddress source) {
        for (Cidr c : listed) {
            if (c.contains(source)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when every trunk names its {@code allowed_addresses}: then a source that {@link #lists} does not name can
     * never place a call.
     */
    public boolean closed() {
        return closed;
    }

    /**
     * Finds the trunk for a call.
     *
     * @param source       the address the INVITE came from
     * @param calledNumber user part of the Request-URI / To (may carry a leading '+')
     * @param callerNumber user part of the From header, may be empty
     */
    public Match match(InetAddress source, String calledNumber, String callerNumber) {
        Objects.requireNonNull(source, "source");
        if (trunks.isEmpty()) {
            return new Matched(InboundTrunk.open());
        }
        String called = normalize(Objects.requireNonNullElse(calledNumber, ""));
        String caller = normalize(Objects.requireNonNullElse(callerNumber, ""));
        List<InboundTrunk> specific = new ArrayList<>();
        List<InboundTrunk> wildcard = new ArrayList<>();
        for (InboundTrunk t : trunks) {
            if (t.numbers().isEmpty()) {
                wildcard.add(t);
            } else if (t.numbers().stream().anyMatch(n -> normalize(n).equals(called))) {
                specific.add(t);
            }
        }
        Match firstRejection = null;
        for (List<InboundTrunk> group : List.of(specific, wildcard)) {
            InboundTrunk open = null;
            for (InboundTrunk t : group) {
                boolean explicit = !t.allowedAddresses().isEmpty();
                if (explicit && t.allowedAddresses().stream().noneMatch(c -> c.contains(source))) {
                    firstRejection = firstRejection != null ? firstRejection
                            : new SourceNotAllowed(t.displayName());
                    continue;
                }
                if (!callerAllowed(t, caller)) {
                    firstRejection = firstRejection != null ? firstRejection
                            : new CallerNotAllowed(t.displayName());
                    continue;
                }
                if (explicit) {
                    return new Matched(t);
                }
                if (open == null) {
                    open = t;
                }
            }
            if (open != null) {
                return new Matched(open);
            }
        }
        return firstRejection != null ? firstRejection : new NoTrunk();
    }

    private static boolean callerAllowed(InboundTrunk t, String caller) {
        return t.allowedNumbers().isEmpty() || t.allowedNumbers().stream().anyMatch(n -> normalize(n).equals(caller));
    }

    /**
     * Canonical form for comparing numbers: digits only when the text looks like a phone number (digits, '+',
     * spaces, dashes, dots, parentheses), so {@code +15550100} and {@code 15550100} are equal; other user parts
     * (e.g. {@code support}) compare exactly.
     */
    static String normalize(String number) {
        String s = number.strip();
        boolean phoneLike = !s.isEmpty() && s.chars().anyMatch(Character::isDigit)
                && s.chars().allMatch(c -> (c >= '0' && c <= '9') || "+-. ()".indexOf(c) >= 0);
        if (!phoneLike) {
            return s;
        }
        StringBuilder digits = new StringBuilder(s.length());
        s.chars().filter(c -> c >= '0' && c <= '9').forEach(c -> digits.append((char) c));
        return digits.toString();
    }
}
