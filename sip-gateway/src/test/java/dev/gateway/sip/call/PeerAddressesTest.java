package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.trunk.Cidr;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerAddressesTest {

    @Test
    void theInviteSourceAndTheTrunksRangesAreThePeer() throws Exception {
        PeerAddresses p = new PeerAddresses(InetAddress.getByName("54.172.60.1"),
                List.of(Cidr.parse("54.172.60.0/30"), Cidr.parse("2001:db8::/32")));
        assertTrue(p.accepts("54.172.60.1"));
        assertTrue(p.accepts("54.172.60.3"), "another edge of the same carrier");
        assertTrue(p.accepts("2001:db8::7"));
        assertFalse(p.accepts("54.172.60.4"));
        assertFalse(p.accepts("127.0.0.2"));
        assertFalse(p.accepts("not-an-address"), "a name is never resolved");
        assertFalse(p.accepts(null));
    }

    @Test
    void anOpenTrunkAcceptsOnlyTheInvitesSource() throws Exception {
        PeerAddresses p = new PeerAddresses(InetAddress.getByName("127.0.0.1"), List.of());
        assertTrue(p.accepts("127.0.0.1"));
        assertFalse(p.accepts("127.0.0.2"));
    }

    @Test
    void anOutboundDestinationByAddressIsThePeerAndByNameIsNotKnown() {
        assertTrue(PeerAddresses.ofDestination("192.0.2.50:5060").accepts("192.0.2.50"));
        assertFalse(PeerAddresses.ofDestination("192.0.2.50:5060").accepts("192.0.2.51"));
        assertTrue(PeerAddresses.ofDestination("192.0.2.50").accepts("192.0.2.50"));
        assertTrue(PeerAddresses.ofDestination("[2001:db8::1]:5061").accepts("2001:db8::1"));
        assertSame(PeerAddresses.ANY, PeerAddresses.ofDestination("example.pstn.twilio.com:5060"));
        assertTrue(PeerAddresses.ANY.accepts("203.0.113.9"));
    }
}
