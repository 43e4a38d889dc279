package dev.gateway.media.endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which source an {@link RtpEndpoint} takes the phone's RTP from, and so where it sends the call's RTP: strict
 * latching, as rtpengine's answer to "RTP bleed".
 *
 * <ul>
 *   <li>Until the first valid RTP packet arrives nothing is latched and nothing may be sent: an SDP naming a
 *       third party never makes us send media there (reflection, amplification).
 *   <li>A packet latches only when its source IP is the one the SDP's {@code c=} named (any port: symmetric RTP
 *       behind a port-rewriting NAT) or lies in a trusted media range (a trunk's media servers when NAT rewrote
 *       the address).
 *   <li>Once latched the source is locked: packets from any other address or port are refused (the caller counts
 *       and drops them), however long the phone is silent. Only the exact signalled address and port take over
 *       a latch, and a new signalled address (re-INVITE) clears it.
 * </ul>
 *
 * <p>Loop-confined with its endpoint. Per packet from the latched source it compares two addresses and allocates
 * nothing; an unknown source is checked against the trusted ranges once per new address (that check copies the
 * address bytes).
 */
final class SourceLatch {
    /** What {@link #offer} decided about a packet's source. */
    enum Verdict {
        /** From the latched source. */
        LATCHED,
        /** This packet latched its source (the first one, or the signalled address taking over). */
        NEW_LATCH,
        /** From any other source: drop it. */
        REFUSED
    }

    private final AddressBlock[] trusted;
    private InetSocketAddress signalled;
    private InetSocketAddress latched;
    /** The last source address the trusted ranges did not contain: a flood from it is refused without a check. */
    private InetAddress lastUntrusted;

    SourceLatch(List<AddressBlock> trustedRanges) {
        this.trusted = trustedRanges.toArray(new AddressBlock[0]);
    }

    /** The SDP named {@code remote}: a new address clears the latch (the phone must prove itself again). */
    void signal(InetSocketAddress remote) {
        if (!remote.equals(signalled)) {
            signalled = remote;
            latched = null;
        }
    }

    /** Decides on a valid RTP packet from {@code source}; latches when the source may be the phone. */
    Verdict offer(InetSocketAddress source) {
        if (source.equals(latched)) {
            return Verdict.LATCHED;
        }
        if (source.equals(signalled) || latched == null && mayBePhone(source.getAddress())) {
            latched = source;
            return Verdict.NEW_LATCH;
        }
        return Verdict.REFUSED;
    }

    /** Whether {@link #offer} would accept {@code source} now, without latching it (SRTP authenticates first). */
    boolean wouldAccept(InetSocketAddress source) {
        return source.equals(latched) || source.equals(signalled) || latched == null && mayBePhone(source.getAddress());
    }

    /** Where RTP goes: the latched source, or null while no valid packet from the phone has arrived. */
    InetSocketAddress latched() {
        return latched;
    }

    /** The address the SDP named (null before the first {@link #signal}). */
    InetSocketAddress signalled() {
        return signalled;
    }

    private boolean mayBePhone(InetAddress address) {
        if (signalled != null && address.equals(signalled.getAddress())) {
            return true;
        }
        if (trusted.length == 0 || address.equals(lastUntrusted)) {
            return false;
        }
        for (AddressBlock block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        lastUntrusted = address;
        return false;
    }
}
