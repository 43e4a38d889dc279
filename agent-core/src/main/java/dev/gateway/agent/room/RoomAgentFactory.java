package dev.gateway.agent.room;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.signal.SignalClient;
import dev.gateway.agent.signal.SignalNetwork;
import dev.gateway.agent.signal.SignalWarmup;
import dev.gateway.agent.signal.Tokens;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.warmup.WebRtcSelfTest;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.dtls.DtlsCertificate;
import dev.gateway.media.webrtc.dtls.DtlsRole;
import dev.gateway.media.webrtc.ice.IceRole;
import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Puts every call into a LiveKit room: one {@link RoomCall} per call, sharing one {@link SignalNetwork} (one event
 * loop for every call's signalling WebSocket and its pings) and one bounded DTLS handshake pool.
 *
 * <p>Threading: thread-safe. {@link #start()} creates the threads, {@link #stop()} ends them.
 */
public final class RoomAgentFactory implements AgentFactory {
    private final LiveKitSettings settings;
    private final MediaEngine media;
    private final Tokens tokens;
    private SignalNetwork signalling;
    private ThreadPoolExecutor dtlsPool;
    private RoomCall.Services services;

    public RoomAgentFactory(LiveKitSettings settings, MediaEngine media) {
        this.settings = settings;
        this.media = media;
        this.tokens = new Tokens(settings.apiKey(), settings.apiSecret());
    }

    public void start() {
        signalling = new SignalNetwork().start();
        // Handshakes block a thread each for up to 10 s; 16 in flight covers a burst of new calls, the queue the rest.
        dtlsPool = new ThreadPoolExecutor(4, 16, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(512), r -> daemon(r, "dtls"));
        dtlsPool.allowCoreThreadTimeOut(true);
        DtlsCertificate.warmUp();
        String hostname = "gateway";
        try {
            hostname = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            // keep "gateway"
        }
        services = new RoomCall.Services(settings, tokens, hostname,
                (token, listener) -> new SignalClient(signalling, settings.url(), token, listener),
                this::transports, leg -> CallLoop.of(leg.eventLoop(), media::nanoTime));
    }

    public void stop() {
        if (signalling != null) {
            signalling.stop();
            dtlsPool.shutdownNow();
        }
    }

    /**
     * Start-up warm-up of the signalling path on the shared signal loop (see {@link SignalWarmup}); call after
     * {@link #start()}, off the event loops. Completes with the server's refusal of the warm-up token.
     */
    public CompletableFuture<String> warmUpSignalling() {
        return new SignalWarmup(signalling, settings.url(), tokens).start();
    }

    /** Start-up warm-up of the WebRTC path on the real handshake pool; call after {@link #start()}. */
    public WebRtcSelfTest webRtcSelfTest() {
        return new WebRtcSelfTest(media, dtlsPool);
    }

    @Override
    public CallAgent create(CallInfo call) {
        if (call.room() == null) {
            throw new IllegalArgumentException("call " + call.id() + " has no room target");
        }
        return new RoomCall(services, call);
    }

    @Override
    public String describe() {
        return "LiveKit rooms at " + settings.url();
    }

    /** Opens the publisher or subscriber connection of one call on that call's loop. */
    private RoomTransport.Opener transports(PhoneLeg leg) {
        return (side, listener, name) -> {
            boolean publisher = side == RoomTransport.Side.PUBLISHER;
            return PeerTransport.open(media, leg.eventLoop(), publisher ? IceRole.CONTROLLING : IceRole.CONTROLLED,
                    publisher ? DtlsRole.SERVER : DtlsRole.CLIENT, dtlsPool, listener, name).thenApply(RoomTransport::of);
        };
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
