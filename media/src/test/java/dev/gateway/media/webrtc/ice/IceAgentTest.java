package dev.gateway.media.webrtc.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two agents wired back to back through {@link FakeNetwork}, driven by a fake clock in 20 ms ticks. */
class IceAgentTest {

    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(20);
    private static final InetSocketAddress ADDR_A = new InetSocketAddress("10.0.0.1", 5000);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress("2001:db8::2", 6000);

    private final FakeNetwork net = new FakeNetwork();
    private final Events eventsA = new Events();
    private final Events eventsB = new Events();
    private final String pwdA = IceAgent.randomPwd();
    private final String pwdB = IceAgent.randomPwd();
    private final String ufragA = IceAgent.randomUfrag();
    private final String ufragB = IceAgent.randomUfrag();
    private long now = TimeUnit.SECONDS.toNanos(123);
    private IceAgent a;
    private IceAgent b;

    private static final class Events implements IceAgent.Listener {
        final List<InetSocketAddress> connected = new ArrayList<>();
        final List<String> failed = new ArrayList<>();

        @Override
        public void onConnected(InetSocketAddress remote) {
            connected.add(remote);
        }

        @Override
        public void onFailed(String reason) {
            failed.add(reason);
        }
    }

    private void create(IceRole roleA, long tieA, IceRole roleB, long tieB) {
        a = new IceAgent(roleA, ufragA, pwdA, tieA, net.output(ADDR_A), eventsA, PooledByteBufAllocator.DEFAULT);
        b = new IceAgent(roleB, ufragB, pwdB, tieB, net.output(ADDR_B), eventsB, PooledByteBufAllocator.DEFAULT);
        net.bind(ADDR_A, a);
        net.bind(ADDR_B, b);
        a.setRemoteCredentials(ufragB, pwdB);
        b.setRemoteCredentials(ufragA, pwdA);
    }

    private static IceCandidate host(InetSocketAddress address) {
        return new IceCandidate("1", 1, "udp", IceCandidate.hostPriority(65535, 1),
                address.getAddress().getHostAddress(), address.getPort(), "host");
    }

    private void exchangeCandidates() {
        a.addRemoteCandidate(host(ADDR_B));
        b.addRemoteCandidate(host(ADDR_A));
    }

    private void runFor(long nanos) {
        long end = now + nanos;
        while (now - end < 0) {
            net.deliver(now);
            a.tick(now);
            b.tick(now);
            now += TICK;
        }
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    @AfterEach
    void closeAndCheckBuffers() {
        if (a != null) {
            a.close();
            b.close();
        }
        net.assertAllReleased();
    }

    @Test
    void controllingAndControlledConnect() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        exchangeCandidates();
        runFor(seconds(1));
        assertEquals(IceState.CONNECTED, a.state());
        assertEquals(IceState.CONNECTED, b.state());
        assertEquals(ADDR_B, a.selectedRemote());
        assertEquals(ADDR_A, b.selectedRemote());
        assertEquals(List.of(ADDR_B), eventsA.connected);
        assertEquals(List.of(ADDR_A), eventsB.connected);
        assertEquals(0, a.stats().unauthenticated() + b.stats().unauthenticated());
    }

    @Test
    void controllingNominatesAsSoonAsItsFirstCheckSucceedsNotOnTheNextTick() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        exchangeCandidates();
        a.tick(now);                 // A's first check
        assertEquals(1, a.stats().checksSent());
        net.deliver(now);            // B answers it (and queues its own triggered check for its tick)
        net.deliver(now);            // A gets the success and nominates at once
        assertEquals(2, a.stats().checksSent());
        net.deliver(now);            // B sees USE-CANDIDATE on a valid pair and answers
        net.deliver(now);
        assertEquals(IceState.CONNECTED, a.state(), "connected without another tick of A");
        assertEquals(List.of(ADDR_B), eventsA.connected);
    }

    @Test
    void controlledLearnsPeerReflexiveCandidate() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        a.addRemoteCandidate(host(ADDR_B)); // B never hears of A's candidate (e.g. trickle lost)
        runFor(seconds(1));
        assertEquals(IceState.CONNECTED, a.state());
        assertEquals(IceState.CONNECTED, b.state());
        assertEquals(ADDR_A, b.selectedRemote());
    }

    @Test
    void ignoresTcpRtcpAndMdnsCandidates() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        a.addRemoteCandidate(IceCandidate.parse("candidate:3 1 tcp 1518280447 10.0.0.2 9 typ host tcptype passive"));
        a.addRemoteCandidate(IceCandidate.parse("candidate:1 2 udp 2130706430 10.0.0.2 6001 typ host"));
        a.addRemoteCandidate(IceCandidate.parse("candidate:5 1 udp 2113937151 abc.local 6000 typ host"));
        assertEquals(IceState.NEW, a.state());
    }

    @Test
    void wrongRemotePasswordFailsAfterFifteenSeconds() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        a.setRemoteCredentials(ufragB, pwdB + "x");
        exchangeCandidates();
        runFor(seconds(14.9));
        assertEquals(IceState.CHECKING, a.state());
        assertEquals(IceState.CHECKING, b.state());
        assertTrue(b.stats().unauthenticated() > 0, "B answers A's checks with 401");
        runFor(seconds(0.2));
        assertEquals(IceState.FAILED, a.state());
        assertEquals(IceState.FAILED, b.state());
        assertNull(a.selectedRemote());
        assertEquals(List.of("ICE connectivity checks timed out"), eventsA.failed);
        assertTrue(eventsA.connected.isEmpty() && eventsB.connected.isEmpty());
    }

    @Test
    void consentKeepsPairAliveThenExpiresWhenPeerGoesSilent() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        exchangeCandidates();
        runFor(seconds(1));
        runFor(seconds(60));
        assertEquals(IceState.CONNECTED, a.state(), "consent refreshed for a minute");
        assertEquals(IceState.CONNECTED, b.state());
        long checksBefore = a.stats().checksSent();
        net.mute(ADDR_B);
        runFor(seconds(23.5)); // the last success was at most 6 s before the mute
        assertEquals(IceState.CONNECTED, a.state());
        runFor(seconds(7));
        assertEquals(IceState.FAILED, a.state());
        assertEquals(List.of("consent expired"), eventsA.failed);
        assertTrue(a.stats().checksSent() - checksBefore >= 4, "a consent check about every 5 s");
    }

    @Test
    void roleConflictBothControllingResolvedByTieBreaker() {
        create(IceRole.CONTROLLING, 1000, IceRole.CONTROLLING, 5);
        exchangeCandidates();
        runFor(seconds(2));
        assertEquals(IceState.CONNECTED, a.state());
        assertEquals(IceState.CONNECTED, b.state());
        assertEquals(IceRole.CONTROLLING, a.role());
        assertEquals(IceRole.CONTROLLED, b.role());
        assertTrue(a.stats().roleConflicts() + b.stats().roleConflicts() > 0);
    }

    @Test
    void roleConflictBothControlledResolvedByTieBreaker() {
        create(IceRole.CONTROLLED, 1000, IceRole.CONTROLLED, -1L); // -1 is the largest unsigned tie-breaker
        exchangeCandidates();
        runFor(seconds(2));
        assertEquals(IceState.CONNECTED, a.state());
        assertEquals(IceState.CONNECTED, b.state());
        assertEquals(IceRole.CONTROLLED, a.role());
        assertEquals(IceRole.CONTROLLING, b.role());
    }

    @Test
    void closeStopsEverythingAndReleasesRetransmitBuffers() {
        create(IceRole.CONTROLLING, 42, IceRole.CONTROLLED, 7);
        net.mute(ADDR_B);
        exchangeCandidates();
        runFor(seconds(0.5));
        a.close();
        assertEquals(IceState.CLOSED, a.state());
        runFor(seconds(20));
        assertEquals(IceState.CLOSED, a.state());
        assertTrue(eventsA.failed.isEmpty(), "no callback after close");
    }
}
