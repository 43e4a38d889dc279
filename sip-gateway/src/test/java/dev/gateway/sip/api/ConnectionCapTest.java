package dev.gateway.sip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionCapTest {

    private final Set<String> serving = new HashSet<>();
    private final List<String> evicted = new ArrayList<>();
    private final ConnectionCap<String> cap = new ConnectionCap<>(5, 2, c -> !serving.contains(c), evicted::add);

    @Test
    void capsEachSourceAndFreesSlotsOnRelease() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        assertTrue(cap.admit("a1", a));
        assertTrue(cap.admit("a2", a));
        assertFalse(cap.admit("a3", a), "third from one source");
        cap.release("a1");
        cap.release("a1"); // twice: counted once
        assertEquals(1, cap.total());
        assertTrue(cap.admit("a3", a));
        assertFalse(cap.admit("a4", a));
        cap.release("never-admitted");
        assertEquals(2, cap.total());
        assertEquals(List.of(), evicted);
    }

    @Test
    void atTheTotalCapTheOldestConnectionNotBeingServedMakesRoom() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        InetAddress b = InetAddress.getByName("127.0.0.3");
        InetAddress c = InetAddress.getByName("127.0.0.4");
        InetAddress probe = InetAddress.getByName("127.0.0.1");
        for (String conn : List.of("a1", "a2", "b1", "b2", "c1")) {
            assertTrue(cap.admit(conn, conn.startsWith("a") ? a : conn.startsWith("b") ? b : c));
        }
        serving.add("a1");
        assertTrue(cap.admit("probe1", probe), "the total cap evicts, it does not refuse");
        assertEquals(List.of("a2"), evicted, "the oldest one not being served");
        assertEquals(5, cap.total());
        assertTrue(cap.admit("a3", a), "a2's slot of source a is free again");
        assertEquals(List.of("a2", "b1"), evicted);
        serving.addAll(List.of("a3", "b2", "c1", "probe1"));
        assertFalse(cap.admit("probe2", probe), "everyone is being served: refused");
        assertEquals(5, cap.total());
    }
}
