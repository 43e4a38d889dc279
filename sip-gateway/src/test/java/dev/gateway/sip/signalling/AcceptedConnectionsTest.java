package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AcceptedConnectionsTest {
    private final AcceptedConnections accepted =
            new AcceptedConnections(new TcpLimits(300, 2, 3), new TransportAbuse(() -> 0L));

    @Test
    void capsPerSourceAndInTotalAndSlotsComeBack() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("192.0.2.3");
        assertNull(accepted.take(a));
        assertNull(accepted.take(a));
        assertEquals("2 connections open from it (sip.tcp.maxConnectionsPerSource)", accepted.take(a));
        assertNull(accepted.take(b));
        assertEquals("3 connections open in total (sip.tcp.maxConnections)", accepted.take(c));
        assertEquals(3, accepted.open());
        accepted.release(a);
        assertNull(accepted.take(c), "a closed connection frees a slot in total");
        assertEquals("3 connections open in total (sip.tcp.maxConnections)", accepted.take(a));
        accepted.release(b);
        assertNull(accepted.take(a), "and for its source");
        assertEquals(3, accepted.open());
    }
}
