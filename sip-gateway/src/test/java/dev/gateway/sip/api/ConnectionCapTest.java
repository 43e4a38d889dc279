package dev.gateway.sip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionCapTest {

    @Test
    void capsEachSourceAndTheTotalAndFreesSlotsOnRelease() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        InetAddress b = InetAddress.getByName("127.0.0.3");
        InetAddress c = InetAddress.getByName("127.0.0.4");
        ConnectionCap cap = new ConnectionCap(5, 2);
        assertTrue(cap.admit(a));
        assertTrue(cap.admit(a));
        assertFalse(cap.admit(a), "third from one source");
        assertTrue(cap.admit(b));
        assertTrue(cap.admit(b));
        assertTrue(cap.admit(c));
        assertFalse(cap.admit(c), "total cap of 5 reached");
        assertEquals(5, cap.total());
        cap.release(a);
        assertEquals(4, cap.total());
        assertTrue(cap.admit(c), "a freed slot goes to whoever comes");
        assertFalse(cap.admit(a));
        cap.release(InetAddress.getByName("127.0.0.9")); // never admitted: no effect
        assertEquals(5, cap.total());
    }
}
