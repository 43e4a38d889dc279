package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.CallInfo;
import dev.gateway.media.sdp.MediaEncryption;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallRegistryTest {

    @ParameterizedTest(name = "max {0} calls")
    @ValueSource(ints = {1, 2, 10})
    void reserveStopsAtMaxCalls(int max) {
        CallRegistry registry = new CallRegistry(max);
        for (int i = 0; i < max; i++) {
            assertTrue(registry.reserve(), "slot " + i);
        }
        assertFalse(registry.reserve());
        assertFalse(registry.reserve());
    }

    @Test
    void zeroMaxCallsAdmitsNothing() {
        assertFalse(new CallRegistry(0).reserve());
    }

    @Test
    void unreserveGivesTheSlotBack() {
        CallRegistry registry = new CallRegistry(2);
        assertTrue(registry.reserve());
        assertTrue(registry.reserve());
        assertFalse(registry.reserve());

        registry.unreserve();
        assertTrue(registry.reserve(), "the freed slot is taken again");
        assertFalse(registry.reserve());
        assertEquals(0, registry.size(), "reservations are not calls");
    }

    @Test
    void addedCallsAreFoundByBothIds() throws Exception {
        CallRegistry registry = new CallRegistry(5);
        Call a = call("c-aaaa", "sip-call-a@192.0.2.1");
        Call b = call("c-bbbb", "sip-call-b@192.0.2.1");
        assertTrue(registry.reserve());
        registry.add(a);
        assertTrue(registry.reserve());
        registry.add(b);

        assertEquals(2, registry.size());
        assertSame(a, registry.byId("c-aaaa"));
        assertSame(b, registry.bySipCallId("sip-call-b@192.0.2.1"));
        assertNull(registry.byId("c-none"));
        assertNull(registry.bySipCallId("none@192.0.2.1"));
        assertEquals(2, registry.all().size());
    }

    @Test
    void removeFreesTheSlotOnce() throws Exception {
        CallRegistry registry = new CallRegistry(1);
        Call call = call("c-aaaa", "sip-call-a@192.0.2.1");
        assertTrue(registry.reserve());
        registry.add(call);
        assertFalse(registry.reserve(), "the call holds the only slot");

        registry.remove(call);
        assertEquals(0, registry.size());
        assertNull(registry.byId("c-aaaa"));
        assertNull(registry.bySipCallId("sip-call-a@192.0.2.1"));

        registry.remove(call); // idempotent: must not free a second slot
        assertTrue(registry.reserve());
        assertFalse(registry.reserve(), "one slot, not two");
    }

    @Test
    void removingACallNeverAddedFreesNothing() throws Exception {
        CallRegistry registry = new CallRegistry(1);
        assertTrue(registry.reserve());
        registry.remove(call("c-ghost", "ghost@192.0.2.1"));
        assertFalse(registry.reserve(), "the reservation still stands");
    }

    @Test
    void removingAStaleCallLeavesItsSuccessorAlone() throws Exception {
        CallRegistry registry = new CallRegistry(2);
        Call stale = call("c-same", "same@192.0.2.1");
        Call current = call("c-same", "same@192.0.2.1");
        assertTrue(registry.reserve());
        registry.add(current);

        registry.remove(stale); // a different Call object under the same ids
        assertSame(current, registry.byId("c-same"));
        assertSame(current, registry.bySipCallId("same@192.0.2.1"));
        assertTrue(registry.reserve());
        assertFalse(registry.reserve(), "the current call's slot was not freed");
    }

    @Test
    void allIsASnapshot() throws Exception {
        CallRegistry registry = new CallRegistry(2);
        Call a = call("c-aaaa", "a@192.0.2.1");
        registry.reserve();
        registry.add(a);
        var snapshot = registry.all();
        registry.remove(a);
        assertEquals(List.of(a), List.copyOf(snapshot));
    }

    @Test
    void concurrentReservesNeverExceedMaxCalls() throws Exception {
        final int max = 50;
        final int threads = 8;
        CallRegistry registry = new CallRegistry(max);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                CyclicBarrier go = new CyclicBarrier(threads);
                AtomicInteger granted = new AtomicInteger();
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(executor.submit(() -> {
                        go.await();
                        for (int i = 0; i < 20; i++) {
                            if (registry.reserve()) {
                                granted.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                assertEquals(max, granted.get(), "round " + round + ": 160 attempts on " + max + " slots");
                for (int i = 0; i < max; i++) {
                    registry.unreserve();
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void concurrentReserveAndUnreserveKeepTheCount() throws Exception {
        final int max = 4;
        final int threads = 8;
        CallRegistry registry = new CallRegistry(max);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(executor.submit(() -> {
                    go.await();
                    for (int i = 0; i < 10_000; i++) {
                        if (registry.reserve()) {
                            worst.accumulateAndGet(holding.incrementAndGet(), Math::max);
                            holding.decrementAndGet();
                            registry.unreserve();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            executor.shutdownNow();
        }
        assertTrue(worst.get() <= max, "at most " + max + " held at once, saw " + worst.get());
        for (int i = 0; i < max; i++) {
            assertTrue(registry.reserve(), "every slot came back: " + i);
        }
        assertFalse(registry.reserve());
    }

    /**
     * A Call that is never begun: the constructor only reads the INVITE's Via transport, so a parsed INVITE inside
     * a proxy transaction and empty services are enough.
     */
    @Test
    void unconfirmedDialogsAreCappedInAllAndPerUnlistedSource() throws Exception {
        CallRegistry registry = new CallRegistry(10, 3, 1);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress trunk = InetAddress.getByName("192.0.2.100");
        assertTrue(registry.reserveUnconfirmed(a, false));
        assertTrue(registry.unconfirmedFull(a, false), "one per unlisted source");
        assertFalse(registry.reserveUnconfirmed(a, false));
        assertFalse(registry.unconfirmedFull(b, false), "another source has its own");
        assertTrue(registry.reserveUnconfirmed(trunk, true));
        assertTrue(registry.reserveUnconfirmed(trunk, true), "a listed source has no per-source cap");
        assertEquals(3, registry.unconfirmed());
        assertTrue(registry.unconfirmedFull(b, false), "3 in all");
        assertTrue(registry.unconfirmedFull(trunk, true), "the total caps listed sources too");
        registry.unreserveUnconfirmed(a);
        assertFalse(registry.unconfirmedFull(a, false));
        assertEquals(2, registry.unconfirmed());
        assertTrue(registry.reserve(), "unconfirmed slots are not maxCalls slots");
    }

    @Test
    void aCallGivesItsUnconfirmedSlotBackOnceOnConfirmationOrRemoval() throws Exception {
        CallRegistry registry = new CallRegistry(10, 2, 1);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        Call acked = call("c-acked", "acked@192.0.2.1");
        Call unacked = call("c-unacked", "unacked@192.0.2.1");
        for (Call c : List.of(acked, unacked)) {
            assertTrue(registry.reserve());
            assertTrue(registry.reserveUnconfirmed(a, true));
            c.holdUnconfirmed(a);
            registry.add(c);
        }
        assertEquals(2, registry.unconfirmed());
        registry.confirmed(acked);
        registry.confirmed(acked);
        assertEquals(1, registry.unconfirmed(), "confirmed once");
        registry.remove(acked);
        assertEquals(1, registry.unconfirmed(), "a confirmed call holds none");
        registry.remove(unacked);
        registry.remove(unacked);
        assertEquals(0, registry.unconfirmed(), "an unACKed call's end frees its slot, once");
    }

    @Test
    void theLastFifthOfUnconfirmedSlotsIsKeptForTrunkSourcesAndSourcesThatAckedBefore() throws Exception {
        CallRegistry registry = new CallRegistry(100, 10, 1);
        InetAddress returning = InetAddress.getByName("192.0.2.200");
        Call earlier = call("c-earlier", "earlier@192.0.2.200");
        assertTrue(registry.reserve());
        assertTrue(registry.reserveUnconfirmed(returning, false));
        earlier.holdUnconfirmed(returning);
        registry.add(earlier);
        registry.confirmed(earlier); // its ACK: 192.0.2.200 is proven
        registry.remove(earlier);
        for (int i = 1; i <= 8; i++) {
            assertTrue(registry.reserveUnconfirmed(InetAddress.getByName("203.0.113." + i), false), "stranger " + i);
        }
        InetAddress ninth = InetAddress.getByName("203.0.113.9");
        assertTrue(registry.unconfirmedFull(ninth, false), "8 of 10 taken: the last 2 are for known sources");
        assertFalse(registry.unconfirmedFull(returning, false), "a source that ACKed before");
        assertFalse(registry.unconfirmedFull(InetAddress.getByName("198.51.100.1"), true), "a trunk's source");
        assertTrue(registry.reserveUnconfirmed(returning, false));
        assertTrue(registry.reserveUnconfirmed(InetAddress.getByName("198.51.100.1"), true));
        assertTrue(registry.unconfirmedFull(InetAddress.getByName("198.51.100.2"), true), "10 in all");
    }

    @Test
    void aCallEndedBeforeItsAckProvesNothing() throws Exception {
        CallRegistry registry = new CallRegistry(100, 5, 1);
        InetAddress flood = InetAddress.getByName("203.0.113.50");
        Call unacked = call("c-unacked", "unacked@203.0.113.50");
        assertTrue(registry.reserve());
        assertTrue(registry.reserveUnconfirmed(flood, false));
        unacked.holdUnconfirmed(flood);
        registry.add(unacked);
        registry.remove(unacked);
        for (int i = 1; i <= 4; i++) {
            assertTrue(registry.reserveUnconfirmed(InetAddress.getByName("203.0.113." + i), false));
        }
        assertTrue(registry.unconfirmedFull(flood, false), "still a stranger: the reserved slot is not for it");
    }

    /** A call (no loop, never begun) for registry bookkeeping; also used by FloodGateTest. */
    static Call call(String id, String sipCallId) throws Exception {
        String invite = "INVITE sip:+15550002222@gw.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-" + id + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:+15550001111@192.0.2.1>;tag=from-" + id + "\r\n"
                + "To: <sip:+15550002222@gw.example.com>\r\n"
                + "Call-ID: " + sipCallId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n";
        Request request = SipFactory.getInstance().createMessageFactory().createRequest(invite);
        ServerTransaction tx = (ServerTransaction) Proxy.newProxyInstance(CallRegistryTest.class.getClassLoader(),
                new Class<?>[] {ServerTransaction.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getRequest":
                            return request;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "transaction of " + sipCallId;
                        default:
                            break;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        CallInfo info = new CallInfo(id, "+15550001111", "+15550002222", "twilio", Map.of());
        return new InboundDialog(sipCallId, tx, info, null, null, null, null,
                new CallServices(null, null, null, null, null, null, () -> 0L), MediaEncryption.DISABLE);
    }
}
