package dev.gateway.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.dtls.DtlsRole;
import dev.gateway.media.webrtc.ice.IceRole;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a transport's DTLS handshake asks the handshake pool for a thread; a real engine on loopback. */
class PeerTransportTest {
    /** Only to keep a broken build from hanging; nothing asserts on time. */
    private static final long PATIENCE_SECONDS = 30;
    private static final String REMOTE = String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=ice-ufrag:srv", "a=ice-pwd:serverpasswordserverpassword",
            "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB", "a=setup:active", "a=group:BUNDLE 0",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:0", "a=rtpmap:111 opus/48000/2",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host", "");

    private MediaEngine engine;
    /** The handshake pool as the transport sees it: counts what is submitted, runs nothing. */
    private final AtomicInteger handshakes = new AtomicInteger();
    private final Executor pool = task -> handshakes.incrementAndGet();

    @BeforeEach
    void start() {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + 19, 30_000, 20, 100, 1),
                System::nanoTime);
        engine.start();
    }

    @AfterEach
    void stop() {
        engine.stop();
    }

    @Test
    void theServerHandshakeTakesAPoolThreadOnlyOnceTheClientHelloArrives() throws Exception {
        EventLoop loop = engine.nextLoop();
        PeerTransport t = PeerTransport.open(engine, loop, IceRole.CONTROLLING, DtlsRole.SERVER, pool,
                new PeerTransport.Listener() {
                    @Override
                    public void onReady() {
                    }

                    @Override
                    public void onFailed(String reason) {
                    }

                    @Override
                    public void onRtp(ByteBuf packet, RtpHeader header) {
                    }
                }, "test/publisher").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        WebRtcDescription answer = WebRtcDescription.parse(REMOTE);
        loop.submit(() -> t.setRemote(answer)).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertEquals(0, handshakes.get(), "the answer alone gives the server handshake nothing to do");

        assertEquals(Long.MIN_VALUE, (long) loop.submit(t::lastHeardNanos).get(PATIENCE_SECONDS, TimeUnit.SECONDS),
                "nothing heard from the peer yet");
        long beforeSend = System.nanoTime(); // the engine's clock
        int port = Integer.parseInt(t.localCandidate().split(" ")[5]);
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] clientHello = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            peer.send(new DatagramPacket(clientHello, clientHello.length, new InetSocketAddress("127.0.0.1", port)));
            peer.send(new DatagramPacket(clientHello, clientHello.length, new InetSocketAddress("127.0.0.1", port)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
            while (handshakes.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertEquals(1, handshakes.get(), "one handshake task, started by the first DTLS datagram");
        // the datagrams are noted by the next media tick (every 20 ms), with that tick's time
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        long heard = Long.MIN_VALUE;
        while (heard == Long.MIN_VALUE && System.nanoTime() < deadline) {
            heard = loop.submit(t::lastHeardNanos).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            Thread.sleep(5);
        }
        assertTrue(heard - beforeSend > 0, "heard after the datagrams were sent: " + heard + " vs " + beforeSend);
        loop.submit(t::close).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }
}
