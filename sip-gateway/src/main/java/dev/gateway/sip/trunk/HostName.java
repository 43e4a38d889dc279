package dev.gateway.sip.trunk;

import java.util.regex.Pattern;

/** RFC 1123 host name syntax check; never resolves. Stateless and thread-safe. */
public final class HostName {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private HostName() {
    }

    /** True for names like {@code example.pstn.twilio.com}; false for IP literals' brackets, spaces, empties. */
    public static boolean isValid(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.isEmpty()) {
            return false;
        }
        for (String label : h.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
