package dev.gateway.sip.call;

import dev.gateway.sip.trunk.Cidr;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where a dialog's in-dialog requests (BYE, re-INVITE, UPDATE, NOTIFY, ACK) may come from: the address its INVITE
 * came from (or was sent to), and the trunk's allowed address ranges (a carrier may send the BYE from another of its
 * edges). Anything else that knows the dialog's Call-ID and tags (they travel in clear over UDP) gets 403.
 *
 * <p>Immutable, thread-safe; never resolves names.
 */
public record PeerAddresses(InetAddress peer, List<Cidr> trusted) {
    /** No restriction (a peer given by host name: JAIN-SIP resolved it, we do not know its addresses). */
    public static final PeerAddresses ANY = new PeerAddresses(null, List.of());

    public PeerAddresses {
        trusted = List.copyOf(trusted);
    }

    /** For an outbound call to {@code hostPort} ({@code host}, {@code host:port}, {@code [v6]:port}). */
    static PeerAddresses ofDestination(String hostPort) {
        String host = hostPort.startsWith("[") ? hostPort.substring(1, Math.max(1, hostPort.indexOf(']')))
                : hostPort.indexOf(':') == hostPort.lastIndexOf(':') && hostPort.indexOf(':') > 0
                ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        InetAddress literal = literal(host);
        return literal == null ? ANY : new PeerAddresses(literal, List.of());
    }

    /** True when a request from {@code ip} (a literal, as JAIN-SIP reports the source) belongs to this dialog. */
    public boolean accepts(String ip) {
        if (peer == null) {
            return true;
        }
        InetAddress source = literal(ip);
        if (source == null) {
            return false;
        }
        if (source.equals(peer)) {
            return true;
        }
        for (Cidr c : trusted) {
            if (c.contains(source)) {
                return true;
            }
        }
        return false;
    }

    private static InetAddress literal(String text) {
        byte[] bytes = text == null ? null : NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
