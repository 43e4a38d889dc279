package dev.gateway.media.webrtc.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One ICE candidate as carried in SDP (RFC 8839 §5.1). Immutable and validated on construction.
 *
 * <pre>
 * candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                       connection-address SP port SP "typ" SP cand-type
 *                       [SP "raddr" SP rel-address] [SP "rport" SP rel-port] *(SP extension-att-name SP value)
 * </pre>
 *
 * The related address and port and every extension (Chrome's {@code generation}, {@code ufrag},
 * {@code network-id}, {@code network-cost}, {@code tcptype}) are accepted and dropped: the agent needs none of
 * them. {@code transport} and {@code type} are lower-cased; {@code address} is kept as written (an IP literal or
 * an mDNS name, which the agent ignores).
 *
 * @param foundation 1-32 ice-chars
 * @param component  1-256; 1 is RTP (and everything, with rtcp-mux)
 * @param transport  "udp" or "tcp" (the agent uses only udp)
 * @param priority   1 .. 2^31-1 per RFC 8445 §5.1.2 (accepted up to 2^32-1)
 * @param address    connection address
 * @param port       0-65535
 * @param type       "host", "srflx", "prflx" or "relay"
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address,
                           int port, String type) {

    /** RFC 8445 §5.1.2.2 recommended type preference for host candidates. */
    public static final int TYPE_PREFERENCE_HOST = 126;
    /** RFC 8445 §5.1.2.2 recommended type preference for peer-reflexive candidates. */
    public static final int TYPE_PREFERENCE_PRFLX = 110;
    /** Highest local preference, for an agent with one address. */
    public static final int MAX_LOCAL_PREFERENCE = 65535;

    private static final String PREFIX = "candidate:";
    private static final String SDP_PREFIX = "a=";
    private static final int MIN_FIELDS = 8;
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public IceCandidate {
        if (foundation == null || foundation.isEmpty() || foundation.length() > 32) {
            throw new IllegalArgumentException("foundation must be 1-32 chars: " + foundation);
        }
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("component must be 1-256: " + component);
        }
        if (transport == null || transport.isEmpty()) {
            throw new IllegalArgumentException("transport missing");
        }
        if (priority < 1 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("priority must be 1..2^32-1: " + priority);
        }
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("address missing");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("type missing");
        }
        transport = transport.toLowerCase(Locale.ROOT);
        type = type.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code candidate:...} or {@code a=candidate:...} (surrounding whitespace and a trailing CR ignored).
     *
     * @throws IceParseException naming the field that is missing or malformed
     */
    public static IceCandidate parse(String sdpAttribute) {
        String line = sdpAttribute.strip();
        if (line.startsWith(SDP_PREFIX)) {
            line = line.substring(SDP_PREFIX.length());
        }
        if (!line.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IceParseException(sdpAttribute, "prefix", "must start with candidate:");
        }
        String[] f = line.substring(PREFIX.length()).split(" +");
        if (f.length < MIN_FIELDS) {
            throw new IceParseException(sdpAttribute, "fields", "need 8, have " + f.length);
        }
        if (!f[6].equalsIgnoreCase("typ")) {
            throw new IceParseException(sdpAttribute, "typ", "expected 'typ', got " + f[6]);
        }
        if ((f.length - MIN_FIELDS) % 2 != 0) {
            throw new IceParseException(sdpAttribute, "extensions", "name without value");
        }
        try {
            return new IceCandidate(f[0], number(sdpAttribute, "component", f[1]), f[2],
                    longNumber(sdpAttribute, "priority", f[3]), f[4], number(sdpAttribute, "port", f[5]), f[7]);
        } catch (IceParseException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new IceParseException(sdpAttribute, "value", e.getMessage());
        }
    }

    private static int number(String input, String field, String text) {
        long v = longNumber(input, field, text);
        if (v > Integer.MAX_VALUE) {
            throw new IceParseException(input, field, "too large: " + text);
        }
        return (int) v;
    }

    private static long longNumber(String input, String field, String text) {
        if (text.isEmpty() || text.length() > 10) {
            throw new IceParseException(input, field, "not a number: " + text);
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IceParseException(input, field, "not a number: " + text);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The attribute value without "a=", e.g. {@code candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host}. */
    public String toSdp() {
        return PREFIX + foundation + ' ' + component + ' ' + transport + ' ' + priority + ' ' + address + ' '
                + port + " typ " + type;
    }

    /**
     * RFC 8445 §5.1.2.1 priority of a host candidate: 2^24 * 126 + 2^8 * localPreference + (256 - component).
     */
    public static long hostPriority(int localPreference, int component) {
        return priority(TYPE_PREFERENCE_HOST, localPreference, component);
    }

    /** RFC 8445 §5.1.2.1 priority for any type preference (0-126), local preference (0-65535) and component. */
    public static long priority(int typePreference, int localPreference, int component) {
        if (typePreference < 0 || typePreference > 126 || localPreference < 0 || localPreference > 65535
                || component < 1 || component > 256) {
            throw new IllegalArgumentException("type/local preference or component out of range");
        }
        return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - component);
    }

    /**
     * The address as a socket address if it is an IPv4 or IPv6 literal, else null (an mDNS or DNS name, which is
     * never resolved here). Never performs a DNS lookup.
     */
    public InetSocketAddress socketAddress() {
        if (!IPV4_LITERAL.matcher(address).matches() && address.indexOf(':') < 0) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** True for a UDP candidate. */
    public boolean isUdp() {
        return "udp".equals(transport);
    }
}
