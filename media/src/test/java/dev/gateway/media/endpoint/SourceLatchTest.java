package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gateway.media.endpoint.SourceLatch.Verdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceLatchTest {
    private static final InetSocketAddress SDP = at(192, 0, 2, 10, 40_000);
    private static final InetSocketAddress PHONE_NAT_PORT = at(192, 0, 2, 10, 51_234);
    private static final InetSocketAddress STRANGER = at(198, 51, 100, 7, 40_000);
    private static final InetSocketAddress TWILIO = at(168, 86, 130, 1, 12_000);

    @Test
    void nothingIsLatchedBeforeAPacketArrives() {
        SourceLatch latch = new SourceLatch(List.of());
        latch.signal(SDP);
        assertNull(latch.latched(), "no RTP may go to the SDP's address before it sent");
        assertEquals(SDP, latch.signalled());
    }

    @Test
    void theSignalledIpLatchesOnAnyPortThenTheSourceIsLocked() {
        SourceLatch latch = new SourceLatch(List.of());
        latch.signal(SDP);
        assertEquals(Verdict.REFUSED, latch.offer(STRANGER), "a stranger first is refused");
        assertNull(latch.latched());
        assertEquals(Verdict.NEW_LATCH, latch.offer(PHONE_NAT_PORT));
        assertEquals(PHONE_NAT_PORT, latch.latched());
        assertEquals(Verdict.LATCHED, latch.offer(at(192, 0, 2, 10, 51_234)), "an equal address, another instance");
        assertEquals(Verdict.REFUSED, latch.offer(STRANGER));
        assertEquals(Verdict.REFUSED, latch.offer(at(192, 0, 2, 10, 7_000)), "the same IP from a third port");
        assertEquals(PHONE_NAT_PORT, latch.latched());
    }

    @Test
    void theExactSignalledAddressTakesOverALatch() {
        SourceLatch latch = new SourceLatch(List.of());
        latch.signal(SDP);
        latch.offer(PHONE_NAT_PORT);
        assertEquals(Verdict.NEW_LATCH, latch.offer(SDP));
        assertEquals(SDP, latch.latched());
        assertEquals(Verdict.REFUSED, latch.offer(PHONE_NAT_PORT), "locked again, on the signalled address");
    }

    @Test
    void aNewSignalledAddressClearsTheLatchAndTheSameOneKeepsIt() {
        SourceLatch latch = new SourceLatch(List.of());
        latch.signal(SDP);
        latch.offer(SDP);
        latch.signal(at(192, 0, 2, 10, 40_000)); // a re-offer with the same address
        assertEquals(SDP, latch.latched());
        InetSocketAddress moved = at(203, 0, 113, 5, 30_000);
        latch.signal(moved);
        assertNull(latch.latched(), "the new address must prove itself");
        assertEquals(Verdict.REFUSED, latch.offer(SDP), "the old address is no longer the phone");
        assertEquals(Verdict.NEW_LATCH, latch.offer(moved));
    }

    @Test
    void aTrustedRangeLatchesOnlyWhileNothingIsLatched() throws UnknownHostException {
        SourceLatch latch = new SourceLatch(List.of(new AddressBlock(InetAddress.getByName("168.86.128.0"), 18)));
        latch.signal(at(10, 1, 2, 3, 20_000)); // a private address: NAT rewrote it
        assertEquals(Verdict.REFUSED, latch.offer(STRANGER));
        assertEquals(Verdict.NEW_LATCH, latch.offer(TWILIO));
        assertEquals(Verdict.REFUSED, latch.offer(at(168, 86, 131, 9, 12_000)), "another server of the range is refused once latched");
        assertEquals(TWILIO, latch.latched());
    }

    private static InetSocketAddress at(int a, int b, int c, int d, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
