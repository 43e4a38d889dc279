package dev.gateway.media.endpoint;

import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.await;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.decode;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.endpointAddress;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.hasTone;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.onLoop;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.endpoint.LoopbackPhone.Rtp;
import dev.gateway.media.endpoint.RtpEndpointLoopbackTest.EchoCall;
import dev.gateway.media.g711.G711;
import dev.gateway.media.testing.Goertzel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Strict latching on real UDP sockets: the phone on 127.0.0.1 (or another loopback address), an attacker on
 * 127.0.0.2 sending to the call's port (Linux routes all of 127/8 to lo), as the gateway drives an answered call
 * ({@link EchoCall}: the caller's audio comes back to whoever the endpoint sends to). The attacker plays a 2 kHz
 * tone, the phone 1 kHz: any 2 kHz in the echo would be the attacker's audio played into the call.
 */
class RtpEndpointStrictSourceTest {
    private static final long WAIT_MILLIS = 5_000;
    private static final long MILLI = 1_000_000L;
    private static final int PHONE_HZ = 1000;
    private static final int ATTACK_HZ = 2000;
    private static final long PHONE_SSRC = 0x5EED_CAFEL;
    private static final long ATTACKER_SSRC = 0xBAD_BADL;

    private MediaEngine engine;
    private final List<LoopbackPhone> sockets = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        sockets.forEach(LoopbackPhone::close);
        if (engine != null) {
            engine.stop();
        }
    }

    @Test
    void anAttackerBeforeDuringAndInAPauseOfThePhoneGetsNothingAndPlaysNothing() throws Exception {
        LoopbackPhone phone = socket(1);
        LoopbackPhone attacker = socket(2);
        RtpEndpoint endpoint = open(List.of());
        EchoCall call = start(endpoint, phone.address());
        Stream phoneStream = new Stream(phone, PHONE_HZ, PHONE_SSRC);
        Stream attack = new Stream(attacker, ATTACK_HZ, ATTACKER_SSRC);
        InetSocketAddress to = endpointAddress(endpoint);

        long next = System.nanoTime();
        for (int i = 0; i < 25; i++) { // the attacker sends to the port from the 200 OK on, before the phone
            attack.send(to);
            next = pace(next);
        }
        for (int i = 0; i < 50; i++) { // both send
            phoneStream.send(to);
            attack.send(to);
            next = pace(next);
        }
        for (int i = 0; i < 50; i++) { // the phone pauses for 1 s: the attacker goes on
            phoneStream.skip();
            attack.send(to);
            next = pace(next);
        }
        for (int i = 0; i < 25; i++) { // the phone speaks again
            phoneStream.send(to);
            attack.send(to);
            next = pace(next);
        }
        call.awaitTicks(20); // longer than the jitter buffer's largest delay: the echo is complete

        List<Rtp> echo = phone.takeAll();
        int toneSamples = echo.stream().filter(p -> hasTone(p)).mapToInt(p -> p.payload().length).sum();
        assertTrue(toneSamples >= 0.9 * 75 * 160, toneSamples + " samples of the phone's tone came back of " + 75 * 160);
        for (Rtp p : echo) {
            double attackLevel = Goertzel.amplitude(decode(p), ATTACK_HZ, 8000);
            assertTrue(attackLevel < 500, "the attacker's tone reached the call: 2 kHz at " + attackLevel);
        }
        assertEquals(0, attacker.receivedCount(), "the attacker received none of the call's audio");
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(75, stats.packetsIn(), "only the phone's packets are played");
        assertEquals(150, stats.foreignDropped(), "every attacker packet is counted and dropped");
        assertEquals(1, stats.latches(), "the attacker never moved the latch, not even in the phone's pause");
        assertEquals(0, stats.ssrcChanges());
        assertEquals(phone.hostPort(), stats.remote());
    }

    @Test
    void anSdpNamingASilentThirdPartyMakesUsSendNothingAnywhere() throws Exception {
        LoopbackPhone victim = socket(3); // named in c=, never sends
        LoopbackPhone caller = socket(1); // the INVITE's sender streams from its own address
        LoopbackPhone attacker = socket(2);
        RtpEndpoint endpoint = open(List.of());
        EchoCall call = start(endpoint, victim.address());
        Stream fromCaller = new Stream(caller, PHONE_HZ, PHONE_SSRC);
        Stream fromAttacker = new Stream(attacker, ATTACK_HZ, ATTACKER_SSRC);
        InetSocketAddress to = endpointAddress(endpoint);

        long next = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            fromCaller.send(to);
            fromAttacker.send(to);
            next = pace(next);
        }
        call.awaitTicks(10);

        assertEquals(0, victim.receivedCount(), "no RTP to the address in c= before it proved itself");
        assertEquals(0, caller.receivedCount());
        assertEquals(0, attacker.receivedCount());
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(0, stats.packetsIn());
        assertEquals(0, stats.packetsOut());
        assertEquals(100, stats.foreignDropped());
        assertTrue(stats.sendSuppressed() >= 50, "each tick's packet was due and suppressed: " + stats.sendSuppressed());
        assertEquals("", stats.remote());
        assertEquals(victim.hostPort(), stats.signalled());
    }

    @Test
    void aTrustedMediaRangeLatchesWhenNatRewroteTheSdpAddress() throws Exception {
        LoopbackPhone privateAddress = socket(3); // what the phone's SDP says (behind NAT); never sends
        LoopbackPhone phone = socket(5); // where its RTP really comes from, inside 127.0.0.4/30
        LoopbackPhone attacker = socket(2);
        RtpEndpoint endpoint = open(List.of(new AddressBlock(loopback(4), 30)));
        EchoCall call = start(endpoint, privateAddress.address());
        Stream phoneStream = new Stream(phone, PHONE_HZ, PHONE_SSRC);
        Stream attack = new Stream(attacker, ATTACK_HZ, ATTACKER_SSRC);
        InetSocketAddress to = endpointAddress(endpoint);

        long next = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            phoneStream.send(to);
            attack.send(to);
            next = pace(next);
        }
        call.awaitTicks(20);

        int toneSamples = phone.takeAll().stream().filter(p -> hasTone(p)).mapToInt(p -> p.payload().length).sum();
        assertTrue(toneSamples >= 0.9 * 50 * 160, toneSamples + " samples of tone came back to the trusted source");
        assertEquals(0, attacker.receivedCount());
        assertEquals(0, privateAddress.receivedCount());
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(phone.hostPort(), stats.remote());
        assertEquals(50, stats.packetsIn());
        assertEquals(50, stats.foreignDropped());
    }

    @Test
    void aReofferWithANewAddressMovesTheLatchAndTheOldSourceIsRefused() throws Exception {
        LoopbackPhone first = socket(1);
        LoopbackPhone moved = socket(6);
        RtpEndpoint endpoint = open(List.of());
        EchoCall call = start(endpoint, first.address());
        Stream fromFirst = new Stream(first, PHONE_HZ, PHONE_SSRC);
        Stream fromMoved = new Stream(moved, PHONE_HZ, PHONE_SSRC + 1);
        InetSocketAddress to = endpointAddress(endpoint);

        long next = System.nanoTime();
        for (int i = 0; i < 25; i++) {
            fromFirst.send(to);
            next = pace(next);
        }
        await("the echo reaches the first address", () -> first.receivedCount() > 0);
        onLoop(endpoint, () -> {
            endpoint.update(new MediaParams(G711.PCMU, 101, 20, moved.address(), true, true));
            return null;
        });
        LockSupport.parkNanos(50 * MILLI); // datagrams already on their way
        first.takeAll();
        next = System.nanoTime();
        for (int i = 0; i < 25; i++) {
            fromFirst.send(to); // the old address goes on: no longer the phone
            fromMoved.send(to);
            next = pace(next);
        }
        call.awaitTicks(20);

        assertEquals(0, first.receivedCount(), "nothing goes to the old address after the re-offer");
        assertTrue(moved.takeAll().stream().anyMatch(p -> hasTone(p)), "the echo follows the phone to its new address");
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(moved.hostPort(), stats.remote());
        assertEquals(2, stats.latches());
        assertEquals(25, stats.foreignDropped());
        assertEquals(50, stats.packetsIn());
    }

    // ------------------------------------------------------------------ helpers

    /** One sender's PCMU tone: sequence and timestamp run on, also across a {@link #skip() pause}. */
    private static final class Stream {
        private final LoopbackPhone from;
        private final int hz;
        private final long ssrc;
        private final short[] pcm = new short[160];
        private final byte[] payload = new byte[160];
        private int sequence = 1000;
        private long n;

        Stream(LoopbackPhone from, int hz, long ssrc) {
            this.from = from;
            this.hz = hz;
            this.ssrc = ssrc;
        }

        void send(InetSocketAddress to) {
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * (n + i) / 8000.0));
            }
            G711.PCMU.encode(pcm, 0, pcm.length, payload, 0);
            from.sendRtp(sequence == 1000, 0, sequence++ & 0xFFFF, n & 0xFFFF_FFFFL, ssrc, payload, to);
            n += pcm.length;
        }

        /** 20 ms without a packet (silence suppression): the timestamp runs on, the sequence does not. */
        void skip() {
            n += pcm.length;
        }
    }

    private static long pace(long next) {
        next += 20 * MILLI;
        LockSupport.parkNanos(next - System.nanoTime());
        return next;
    }

    private LoopbackPhone socket(int lastByte) throws UnknownHostException {
        LoopbackPhone p = new LoopbackPhone(loopback(lastByte));
        sockets.add(p);
        return p;
    }

    private static InetAddress loopback(int lastByte) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastByte});
    }

    /** An engine bound to 127.0.0.1 on a random 20-port range, and one endpoint on it. */
    private RtpEndpoint open(List<AddressBlock> trusted) throws Exception {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + 19, 60_000, 20, 100, 1, trusted),
                System::nanoTime);
        engine.start();
        return engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Opens the endpoint with the SDP naming {@code sdpAddress}, answers and joins the tick. */
    private EchoCall start(RtpEndpoint endpoint, InetSocketAddress sdpAddress) throws Exception {
        EchoCall call = new EchoCall(endpoint);
        onLoop(endpoint, () -> {
            endpoint.open(new MediaParams(G711.PCMU, 101, 20, sdpAddress, true, true), call);
            call.media.answer();
            engine.register(call.media);
            return null;
        });
        return call;
    }
}
