package dev.gateway.media.warmup;

import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcException;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import dev.gateway.media.webrtc.dtls.DtlsCertificate;
import dev.gateway.media.webrtc.dtls.DtlsRole;
import dev.gateway.media.webrtc.ice.IceRole;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Two real {@link PeerTransport}s of this process connected to each other over loopback UDP, as a first call
 * would connect to a room: sockets from the engine's port range, ICE (one controlling, one controlled), a DTLS
 * handshake on the real handshake pool (server and client, so both BouncyCastle code paths run), SRTP keys, one
 * SCTP association with a data channel message, and a few SRTP packets. Run once at start-up so that the first call
 * does not pay for loading and interpreting all of that.
 *
 * <p>Threading: {@link #start} may be called from any thread except an event loop; all transport work happens on
 * one event loop of the engine, DTLS on {@code dtlsPool}. The returned future completes on that loop. Instances
 * are single-use.
 */
public final class WebRtcSelfTest {
    private static final String LABEL = "_warmup";
    private static final int PACKETS = 5;

    private final MediaEngine engine;
    private final Executor dtlsPool;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private EventLoop loop;
    private PeerTransport offerer;
    private PeerTransport answerer;
    private int packetsReceived;
    private boolean messageReceived;

    public WebRtcSelfTest(MediaEngine engine, Executor dtlsPool) {
        this.engine = engine;
        this.dtlsPool = dtlsPool;
    }

    /**
     * Opens both transports and connects them. The future completes once the answerer has received the data
     * channel message and {@value #PACKETS} SRTP packets, or exceptionally with the first failure; either way both
     * transports are closed by then. Call {@link #cancel} if you stop waiting.
     */
    public CompletableFuture<Void> start() {
        loop = engine.nextLoop();
        CompletableFuture<PeerTransport> a = PeerTransport.open(engine, loop, IceRole.CONTROLLING, DtlsRole.SERVER,
                dtlsPool, new OffererEvents(), "warm-up/offerer");
        CompletableFuture<PeerTransport> b = PeerTransport.open(engine, loop, IceRole.CONTROLLED, DtlsRole.CLIENT,
                dtlsPool, new AnswererEvents(), "warm-up/answerer");
        a.thenAcceptBoth(b, this::connect).whenComplete((v, e) -> {
            if (e != null) {
                finish(e);
            }
        });
        return done;
    }

    /** Stops the self-test (closes what is open) if it has not finished; safe from any thread. */
    public void cancel() {
        if (loop != null) {
            loop.execute(() -> finish(new IllegalStateException("cancelled")));
        }
    }

    private void connect(PeerTransport a, PeerTransport b) {
        offerer = a;
        answerer = b;
        if (done.isDone()) {
            close();
            return;
        }
        a.openDataChannelsWhenReady(List.of(new PeerTransport.DataChannelSpec(LABEL, true, -1)));
        String fingerprint = DtlsCertificate.shared().sha256Fingerprint();
        try {
            WebRtcDescription offer = WebRtcDescription.parse(WebRtcSdpWriter.publisherOffer(
                    new WebRtcSdpWriter.Local(a.iceUfrag(), a.icePwd(), fingerprint, a.localCandidate(), 1),
                    0x5EED, "warm-up", "warm-up", "warm-up"));
            WebRtcDescription answer = WebRtcDescription.parse(WebRtcSdpWriter.subscriberAnswer(
                    new WebRtcSdpWriter.Local(b.iceUfrag(), b.icePwd(), fingerprint, b.localCandidate(), 2), offer));
            b.setRemote(offer);
            a.setRemote(answer);
        } catch (WebRtcException e) {
            finish(e);
        }
    }

    private void sendPackets() {
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf packet = ByteBufAllocator.DEFAULT.directBuffer(64);
            RtpCodec.writeHeader(packet, i == 0, WebRtcSdpWriter.OPUS_PT, i, i * 960L, 0x5EED);
            packet.writeZero(40);
            offerer.sendRtp(packet);
        }
    }

    private void checkDone() {
        if (messageReceived && packetsReceived >= PACKETS) {
            finish(null);
        }
    }

    private void finish(Throwable failure) {
        if (done.isDone()) {
            return;
        }
        close();
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure);
        }
    }

    private void close() {
        if (offerer != null) {
            offerer.close();
        }
        if (answerer != null) {
            answerer.close();
        }
    }

    private final class OffererEvents implements PeerTransport.Listener {
        @Override
        public void onReady() {
            // not yet: the offerer is the DTLS server and is ready before the answerer has its SRTP keys, so
            // packets sent now could arrive before the answerer can read them, and the self-test would wait forever
        }

        @Override
        public void onDataChannelOpen(String label) {
            // SCTP runs over DTLS and the answerer (DTLS client) starts it once it has its keys: both sides are
            // ready now
            offerer.sendData(label, "warm-up".getBytes(StandardCharsets.US_ASCII));
            sendPackets();
        }

        @Override
        public void onFailed(String reason) {
            finish(new IllegalStateException("offerer: " + reason));
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
        }
    }

    private final class AnswererEvents implements PeerTransport.Listener {
        @Override
        public void onReady() {
        }

        @Override
        public void onData(String label, byte[] data) {
            messageReceived = true;
            checkDone();
        }

        @Override
        public void onFailed(String reason) {
            finish(new IllegalStateException("answerer: " + reason));
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
            packetsReceived++;
            checkDone();
        }
    }
}
