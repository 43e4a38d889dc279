package dev.gateway.sip.trunk;

import dev.gateway.media.endpoint.AddressBlock;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address block, as in trunk allow-lists ({@code allowed_addresses}). Immutable and thread-safe.
 *
 * <p>Accepts {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a bare address (a /32 or /128). Host bits below the
 * prefix are cleared, as Go's {@code net.ParseCIDR} (and therefore LiveKit) does. Parsing never resolves names:
 * IPv4 is parsed by hand and IPv6 only as a bracketed literal.
 *
 * @param network      the first address of the block (host bits cleared)
 * @param prefixLength number of leading network bits, 0..32 for IPv4, 0..128 for IPv6
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits + ", got " + prefixLength);
        }
        network = mask(network, prefixLength);
    }

    /**
     * Parses a CIDR block or a bare address.
     *
     * @throws IllegalArgumentException with a reason fit to follow a field name, e.g. "not an IP address: 'x'"
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        InetAddress address = parseAddress(addressPart);
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new Cidr(address, bits);
        }
        String prefixPart = s.substring(slash + 1);
        if (prefixPart.isEmpty() || prefixPart.length() > 3 || !prefixPart.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        int prefix = Integer.parseInt(prefixPart);
        // "::ffff:1.2.3.0/120": Java turns IPv4-mapped IPv6 into IPv4, so shift the prefix with it.
        if (addressPart.contains(":") && address instanceof Inet4Address && prefix >= 96) {
            prefix -= 96;
        }
        if (prefix > bits) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits + " in '" + text + "'");
        }
        return new Cidr(address, prefix);
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal (optionally in brackets) without any DNS lookup.
     *
     * @throws IllegalArgumentException if {@code text} is not an IP literal
     */
    public static InetAddress parseAddress(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        try {
            if (s.indexOf(':') >= 0) {
                // The brackets make the JDK insist on a literal instead of falling back to a name lookup.
                return InetAddress.getByName("[" + s + "]");
            }
            byte[] v4 = parseIpv4(s);
            if (v4 != null) {
                return InetAddress.getByAddress(v4);
            }
        } catch (UnknownHostException e) {
            // fall through to the common error
        }
        throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }

    /** True if {@code text} is an IPv4 or IPv6 literal. Never resolves names. */
    public static boolean isAddressLiteral(String text) {
        try {
            parseAddress(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True if {@code address} lies in this block; false for the other address family. */
    public boolean contains(InetAddress address) {
        return AddressBlock.contains(network.getAddress(), prefixLength, address.getAddress());
    }

    /** The same block for media's strict RTP latching ({@code rtp.trustedMediaRanges}). */
    public AddressBlock toAddressBlock() {
        return new AddressBlock(network, prefixLength);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) ((0xFF << (8 - keep)) & 0xFF);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
