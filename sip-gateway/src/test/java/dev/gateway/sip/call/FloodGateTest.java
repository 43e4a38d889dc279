package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.InboundTrunkMatcher;
import dev.gateway.sip.trunk.SourceBlocker;
import dev.gateway.sip.trunk.TokenBucket;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

class FloodGateTest {
    private static final long SECOND = 1_000_000_000L;
    private static final InboundTrunkMatcher OPEN = new InboundTrunkMatcher(List.of(InboundTrunk.open()));
    private static final InboundTrunkMatcher CLOSED = new InboundTrunkMatcher(List.of(new InboundTrunk("t", "t", "",
            List.of(), List.of(Cidr.parse("198.51.100.0/24")), List.of(), "", "", Map.of())));

    private final SipFakes sip;
    private final InetAddress stranger;
    private final InetAddress trunkPeer;
    private final AtomicInteger ids = new AtomicInteger();

    FloodGateTest() throws Exception {
        sip = new SipFakes();
        stranger = InetAddress.getByName("203.0.113.5");
        trunkPeer = InetAddress.getByName("198.51.100.7");
    }

    private Request invite() throws Exception {
        return sip.invite("flood-" + ids.incrementAndGet() + "@test");
    }

    private Request outOfDialog(String method) throws Exception {
        return sip.messages.createRequest(method + " sip:gw@192.0.2.10 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-o" + ids.incrementAndGet() + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:x@203.0.113.5>;tag=x\r\nTo: <sip:gw@192.0.2.10>\r\n"
                + "Call-ID: ood-" + ids.get() + "@test\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n");
    }

    private static FloodGate gate(CallRegistry registry, InboundTrunkMatcher trunks, int perSource, int invitesPerSecond) {
        return new FloodGate(registry, () -> trunks, new SourceBlocker(perSource, 60 * SECOND, 100),
                invitesPerSecond == 0 ? null : new TokenBucket(invitesPerSecond, invitesPerSecond, 0), 0);
    }

    @Test
    void anUnlistedSourceOverItsBudgetIsBlockedForEveryMethodWhileATrunkPeerNeverIs() throws Exception {
        FloodGate gate = gate(new CallRegistry(100, 100, 100), CLOSED, 3, 0);
        assertFalse(gate.drop(outOfDialog("OPTIONS"), stranger, 0));
        assertFalse(gate.drop(outOfDialog("REGISTER"), stranger, 0));
        assertFalse(gate.drop(outOfDialog("OPTIONS"), stranger, 0));
        assertTrue(gate.drop(outOfDialog("OPTIONS"), stranger, 0), "the 4th within a second overspends 3/s");
        assertTrue(gate.drop(outOfDialog("MESSAGE"), stranger, 30 * SECOND), "blocked: every method");
        assertEquals(2, gate.dropped(FloodGate.Reason.SOURCE_BLOCKED));
        assertFalse(gate.drop(outOfDialog("OPTIONS"), stranger, 61 * SECOND), "the block is over");
        for (int i = 0; i < 50; i++) {
            assertFalse(gate.drop(invite(), trunkPeer, 0), "a trunk's peer is never blocked (" + i + ")");
        }
    }

    @Test
    void aClosedConfigurationDropsNewInvitesFromUnlistedSourcesButAnswersTheirOptions() throws Exception {
        FloodGate gate = gate(new CallRegistry(100, 100, 100), CLOSED, 20, 0);
        assertTrue(gate.drop(invite(), stranger, 0));
        assertEquals(1, gate.dropped(FloodGate.Reason.SOURCE_UNLISTED));
        assertFalse(gate.drop(outOfDialog("OPTIONS"), stranger, 0), "OPTIONS gets its answer (within the budget)");
        assertFalse(gate.drop(invite(), trunkPeer, 0));
        FloodGate open = gate(new CallRegistry(100, 100, 100), OPEN, 20, 0);
        assertFalse(open.drop(invite(), stranger, 0), "with the open default anybody may call");
    }

    @Test
    void newInvitesAtTheUnconfirmedCapAreDroppedPerUnlistedSourceAndInAll() throws Exception {
        CallRegistry registry = new CallRegistry(100, 2, 1);
        FloodGate gate = gate(registry, OPEN, 100, 0);
        assertTrue(registry.reserveUnconfirmed(stranger, false));
        assertTrue(gate.drop(invite(), stranger, 0), "one unanswered call per unlisted source");
        assertFalse(gate.drop(outOfDialog("OPTIONS"), stranger, 0), "other requests are not capped by it");
        InetAddress other = InetAddress.getByName("203.0.113.6");
        assertFalse(gate.drop(invite(), other, 0));
        assertTrue(registry.reserveUnconfirmed(other, false));
        assertTrue(gate.drop(invite(), InetAddress.getByName("203.0.113.7"), 0), "2 in all");
        assertEquals(2, gate.dropped(FloodGate.Reason.UNCONFIRMED_CAP));
    }

    @Test
    void theGlobalInviteRateCountsEverySourceButOnlyInvitesThatPassedTheOtherChecks() throws Exception {
        CallRegistry registry = new CallRegistry(100, 100, 1);
        FloodGate gate = gate(registry, CLOSED, 100, 2);
        assertTrue(gate.drop(invite(), stranger, 0), "unlisted: dropped before it could take a token");
        assertFalse(gate.drop(invite(), trunkPeer, 0));
        assertFalse(gate.drop(invite(), trunkPeer, 0));
        assertTrue(gate.drop(invite(), trunkPeer, 0), "2/s in all, trunk peers included");
        assertFalse(gate.drop(invite(), trunkPeer, SECOND / 2 + 1));
        assertEquals(1, gate.dropped(FloodGate.Reason.INVITE_RATE));
    }

    @Test
    void aLiveCallsRequestsAlwaysPassAndScannersNever() throws Exception {
        CallRegistry registry = new CallRegistry(100, 100, 100);
        FloodGate gate = gate(registry, OPEN, 1, 0);
        Request scan = outOfDialog("OPTIONS");
        scan.setHeader(sip.headers.createUserAgentHeader(List.of("friendly-scanner")));
        assertTrue(gate.drop(scan, trunkPeer, 0));
        assertEquals(1, gate.dropped(FloodGate.Reason.SCANNER));

        Call live = CallRegistryTest.call("c-live", "live@test");
        assertTrue(registry.reserve());
        registry.add(live);
        assertFalse(gate.drop(outOfDialog("OPTIONS"), stranger, 0));
        assertTrue(gate.drop(outOfDialog("OPTIONS"), stranger, 0), "blocked now");
        for (int i = 0; i < 5; i++) {
            assertFalse(gate.drop(sip.inDialog("BYE", "live@test", null, null), stranger, 0),
                    "the live call's requests are decided by the call (its peer check), not here");
        }
        assertEquals(2, gate.dropped(), "the scanner and the blocked OPTIONS");
    }

    @Test
    void anInviteThatFindsTheCapTakenAfterTheGateEndsItsTransactionUnanswered() throws Exception {
        FloodGate gate = gate(new CallRegistry(100, 100, 1), OPEN, 20, 0);
        gate.dropAdmitted(sip.serverTransaction(invite()), 0);
        assertEquals(List.of("terminated"), sip.sentNames(), "no response, the transaction ended");
        assertEquals(1, gate.dropped(FloodGate.Reason.UNCONFIRMED_CAP));
    }

    @Test
    void blockLinesAreLimitedPerSummaryIntervalAndTheRestCounted() throws Exception {
        FloodGate gate = gate(new CallRegistry(100, 100, 100), OPEN, 1, 0);
        for (int i = 1; i <= 30; i++) {
            InetAddress source = InetAddress.getByName("203.0.113." + i);
            assertFalse(gate.drop(outOfDialog("OPTIONS"), source, SECOND));
            assertTrue(gate.drop(outOfDialog("OPTIONS"), source, SECOND), "source " + i + " blocked");
        }
        // the first block's drop wrote the first summary (which resets the allowance): 1 + 20 lines, 9 counted
        assertEquals(9, gate.blockLinesSkipped());
        assertEquals(30, gate.dropped(FloodGate.Reason.SOURCE_BLOCKED));
    }
}
