package dev.gateway.media.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address block (CIDR) from which a phone's RTP may come although the SDP named another address:
 * a trunk's media servers behind NAT, e.g. Twilio's 168.86.128.0/18. The caller parses the text (media resolves
 * no names); host bits below the prefix are cleared. Immutable and thread-safe.
 */
public final class AddressBlock {
    private final byte[] network;
    private final int prefixLength;

    /**
     * @param network      any address of the block
     * @param prefixLength leading bits that must match, 0..32 (IPv4) or 0..128 (IPv6)
     */
    public AddressBlock(InetAddress network, int prefixLength) {
        Objects.requireNonNull(network, "network");
        byte[] bytes = network.getAddress();
        if (prefixLength < 0 || prefixLength > bytes.length * 8) {
            throw new IllegalArgumentException("prefix length must be 0.." + bytes.length * 8 + ", got " + prefixLength);
        }
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        this.network = bytes;
        this.prefixLength = prefixLength;
    }

    /** True when {@code address} is of the same family and its first {@code prefixLength} bits match. */
    public boolean contains(InetAddress address) {
        // getAddress() copies: asked for an unknown source only, never per packet of a latched one
        return contains(network, prefixLength, address.getAddress());
    }

    /**
     * The one prefix match of the project (sip-gateway's trunk allow-lists use it too): true when {@code address}
     * has {@code network}'s length (same family) and its first {@code prefixLength} bits equal {@code network}'s.
     */
    public static boolean contains(byte[] network, int prefixLength, byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        int mask = (0xFF00 >>> rest) & 0xFF;
        return rest == 0 || (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressBlock b && b.prefixLength == prefixLength && Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** e.g. {@code 168.86.128.0/18}. */
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }
}
