package dev.gateway.sip.api;

import dev.gateway.sip.trunk.Cidr;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The DNS-rebinding guard: a browser tricked into sending requests to the API (a page on {@code evil.example}
 * whose name is re-pointed at 127.0.0.1) still names {@code evil.example} in its {@code Host} header. Accepted:
 * IP literals ({@code 127.0.0.1}, {@code [::1]}: a rebinding needs a name), {@code localhost}, and the configured
 * {@code http.allowedHosts}; any port. Immutable and thread-safe.
 */
public final class HostCheck {

    private final Set<String> names;

    /** @param allowedHosts extra host names, lower case, without port */
    public HostCheck(List<String> allowedHosts) {
        this.names = Set.copyOf(new java.util.HashSet<>(allowedHosts));
    }

    /** @param host the {@code Host} header value, may be null */
    public boolean allows(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0 || (end + 1 < h.length() && !isPort(h.substring(end + 1)))) {
                return false;
            }
            return Cidr.isAddressLiteral(h.substring(1, end));
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (h.indexOf(':', colon + 1) >= 0 || !isPort(h.substring(colon))) {
                return false; // an unbracketed IPv6 literal is not a valid Host (RFC 3986 3.2.2)
            }
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("localhost") || names.contains(h) || isIpv4(h);
    }

    private static boolean isPort(String colonPort) {
        return colonPort.length() >= 2 && colonPort.length() <= 6 && colonPort.charAt(0) == ':'
                && colonPort.substring(1).chars().allMatch(Character::isDigit);
    }

    private static boolean isIpv4(String h) {
        return h.matches("\\d{1,3}(\\.\\d{1,3}){3}") && Cidr.isAddressLiteral(h);
    }
}
