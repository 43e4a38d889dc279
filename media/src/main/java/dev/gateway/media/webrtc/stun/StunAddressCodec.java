package dev.gateway.media.webrtc.stun;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Values of MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (§14.2).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |      (X-)Port                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              (X-)Address (32 bits IPv4 or 128 bits IPv6)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * X-Port is the port XOR the 16 most significant bits of the magic cookie; an IPv4 X-Address is XORed with the
 * cookie, an IPv6 one with the cookie followed by the 12-byte transaction id. Stateless; safe from any thread.
 * Buffer indexes are not moved by {@code read}; {@code write} advances the writer index.
 */
final class StunAddressCodec {

    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;
    static final int IPV4_VALUE_LENGTH = 8;
    static final int IPV6_VALUE_LENGTH = 20;

    private static final int OFFSET_FAMILY = 1;
    private static final int OFFSET_PORT = 2;
    private static final int OFFSET_ADDRESS = 4;
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;

    private StunAddressCodec() {
    }

    /**
     * Reads an address value of {@code length} bytes at {@code index}. {@code xorKey} is the 16 bytes
     * cookie + transaction id for XOR-MAPPED-ADDRESS, or null for MAPPED-ADDRESS. Returns null if the family is
     * unknown or does not match the length.
     */
    static InetSocketAddress read(ByteBuf buf, int index, int length, byte[] xorKey) {
        int family = buf.getUnsignedByte(index + OFFSET_FAMILY);
        int addressLength;
        if (family == FAMILY_IPV4 && length == IPV4_VALUE_LENGTH) {
            addressLength = IPV4_LENGTH;
        } else if (family == FAMILY_IPV6 && length == IPV6_VALUE_LENGTH) {
            addressLength = IPV6_LENGTH;
        } else {
            return null;
        }
        int port = buf.getUnsignedShort(index + OFFSET_PORT);
        byte[] address = new byte[addressLength];
        buf.getBytes(index + OFFSET_ADDRESS, address);
        if (xorKey != null) {
            port ^= ((xorKey[0] & 0xFF) << 8) | (xorKey[1] & 0xFF);
            for (int i = 0; i < addressLength; i++) {
                address[i] ^= xorKey[i];
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            return null; // unreachable: getByAddress only throws for lengths other than 4 and 16
        }
    }

    /** Size of the value (without the attribute header) for {@code address}. */
    static int valueLength(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? IPV4_VALUE_LENGTH : IPV6_VALUE_LENGTH;
    }

    /** Writes the value for {@code address}, XORed with {@code xorKey} unless it is null. */
    static void write(ByteBuf out, InetSocketAddress address, byte[] xorKey) {
        byte[] ip = address.getAddress().getAddress();
        int port = address.getPort();
        if (xorKey != null) {
            port ^= ((xorKey[0] & 0xFF) << 8) | (xorKey[1] & 0xFF);
        }
        out.writeByte(0);
        out.writeByte(ip.length == IPV4_LENGTH ? FAMILY_IPV4 : FAMILY_IPV6);
        out.writeShort(port);
        for (int i = 0; i < ip.length; i++) {
            out.writeByte(xorKey == null ? ip[i] : ip[i] ^ xorKey[i]);
        }
    }
}
