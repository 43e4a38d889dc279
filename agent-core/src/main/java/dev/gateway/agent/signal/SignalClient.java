package dev.gateway.agent.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;

/**
 * WebSocket signalling to one LiveKit room for one participant, in the classic two-peer-connection mode
 * ({@code /rtc}; one binary message = one protobuf {@code SignalRequest}/{@code SignalResponse}), on the shared
 * event loop of a {@link SignalNetwork}: no thread of its own, so many calls cost sockets, not threads.
 *
 * <p>Threading: listener callbacks arrive on the signal event loop (also {@code onClosed} after a ping timeout),
 * except {@code onClosed} of a client closed before its socket existed, which comes on the closing thread. Callers
 * hand off to their own loop at once and never block. Send methods are thread-safe and never block (Netty queues
 * the frame; a send on a closed socket is dropped and returns false). Outbound bytes are bounded: a socket whose
 * queue passes {@link SignalNetwork#HIGH_WATER_MARK} (the server stopped reading) is given up. {@code onClosed} is
 * called exactly once per client, also after {@link #close()} and {@link #leave()}, and it is the last callback.
 *
 * <p>Lifecycle: construct, {@link #connect()} once, then {@link #leave()} (call over) or {@link #close()}.
 * Nothing starts until {@code connect()}; pings run on the socket's loop from the join on. A dropped session is
 * resumed on a new client from {@link #resume} (the server answers {@code reconnect} instead of {@code join}).
 */
public final class SignalClient implements SignalSession {

    /** Callbacks of one signalling connection; see the class comment for threading. */
    public interface Listener {
        /** The room accepted us: room, our participant, others, ICE servers, ping settings. */
        void onJoin(LivekitRtc.JoinResponse join);

        /** Subscriber PC offer from the server (SessionDescription type "offer"); reply with {@link #sendAnswer}. */
        void onOffer(String sdp);

        /** Publisher PC answer to our {@link #sendOffer}. */
        void onAnswer(String sdp);

        /** A remote ICE candidate as RTCIceCandidateInit JSON, for the PC named by {@code target}. */
        void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target);

        /** The server accepted an {@link #addTrack}; {@code track.getSid()} is the track's id in the room. */
        void onTrackPublished(String cid, LivekitModels.TrackInfo track);

        /**
         * Someone subscribed to one of our tracks for the first time ({@code TrackSubscribed}, sent by the server
         * to the publisher once per track when its first non-hidden subscriber is bound).
         */
        default void onTrackSubscribed(String trackSid) {
        }

        /** Participants joined, changed (metadata, attributes, tracks) or left (state DISCONNECTED). */
        void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants);

        /**
         * The server asks us to leave (room deleted, participant removed, ...); onClosed follows. With action RESUME
         * or RECONNECT it only drops this connection: the session may be resumed ({@link SignalSession#resume}).
         */
        void onLeave(LivekitRtc.LeaveRequest leave);

        /**
         * A resuming connection ({@link SignalSession#resume}) was accepted: the participant, its tracks and its
         * peer connections live on; the server follows with participant and room updates and a subscriber offer
         * that restarts ICE.
         */
        default void onReconnect(LivekitRtc.ReconnectResponse reconnect) {
        }

        /** The connection is gone: socket closed or failed, HTTP error at upgrade, or ping timeout. */
        void onClosed(String reason);

        default void onRoomUpdate(LivekitModels.Room room) {
        }

        /** Any other response (speakers, connection quality, request_response, ...). */
        default void onOther(SignalResponse response) {
        }
    }

    private static final System.Logger LOG = System.getLogger("livekit.signal");
    /** How long a local close waits for the server's close frame before the socket is cut. */
    private static final long CLOSE_GRACE_MS = 2_000;
    /** From TCP connect to the server's 101 (TLS included): a server that accepts and says nothing is dead. */
    static final long UPGRADE_TIMEOUT_MS = 10_000;
    /**
     * The largest signal message we accept, fragments summed. A join response lists every participant with its
     * tracks and attributes (about 1 KB each); 1 MiB holds rooms far larger than a call needs.
     */
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    /** The HTTP answer to the upgrade: a 101 with headers, or an error with a one-line body. */
    private static final int MAX_UPGRADE_RESPONSE_BYTES = 64 << 10;

    private final SignalNetwork network;
    private final LiveKitUrl url;
    private final Listener listener;
    private final LongSupplier monotonicMs;
    /** Our participant's sid when this connection resumes a session, else null (a first join). */
    private final String resumeSid;
    private final AtomicBoolean connectCalled = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicInteger offerIds = new AtomicInteger();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile String token;
    private volatile Channel channel;
    /** Set on the loop once the server accepted the upgrade; sends before it are refused. */
    private volatile boolean open;
    private volatile PingMonitor ping;
    private volatile ScheduledFuture<?> pingTask;
    /** Id of the last subscriber offer from the server; our answer echoes it. */
    private volatile int serverOfferId;
    /** The join's ping settings in s (0: none), kept for the connections that resume this session. */
    private volatile int pingIntervalS;
    private volatile int pingTimeoutS;
    /** Text frames are logged once per connection: a server bug, not worth a line each. */
    private boolean textLogged;

    public SignalClient(SignalNetwork network, String wsUrl, String token, Listener listener) {
        this(network, wsUrl, token, listener, () -> System.nanoTime() / 1_000_000);
    }

    SignalClient(SignalNetwork network, String wsUrl, String token, Listener listener, LongSupplier monotonicMs) {
        this(network, LiveKitUrl.parse(wsUrl), token, listener, monotonicMs, null, 0, 0);
    }

    private SignalClient(SignalNetwork network, LiveKitUrl url, String token, Listener listener,
                         LongSupplier monotonicMs, String resumeSid, int pingIntervalS, int pingTimeoutS) {
        this.network = Objects.requireNonNull(network, "network");
        this.url = url;
        this.token = Objects.requireNonNull(token, "token");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.monotonicMs = monotonicMs;
        this.resumeSid = resumeSid;
        this.pingIntervalS = pingIntervalS;
        this.pingTimeoutS = pingTimeoutS;
    }

    /**
     * A connection to the same server that resumes {@code participantSid}'s session ({@code reconnect=1}), with this
     * connection's newest token and its join's ping settings; the server answers {@code onReconnect}, or refuses
     * with {@code onLeave} (the participant is gone) or an HTTP error. Not connected yet; this one is not touched.
     */
    @Override
    public SignalClient resume(String participantSid, Listener listener) {
        return new SignalClient(network, url, token, listener, monotonicMs,
                Objects.requireNonNull(participantSid, "participantSid"), pingIntervalS, pingTimeoutS);
    }

    /**
     * Starts the connection without waiting for it (the host name lookup, if any, on the network's lookup thread;
     * TCP, TLS and the upgrade on the event loop); the outcome arrives as onJoin or onClosed. May be called once,
     * not after close.
     */
    @Override
    public void connect() {
        if (!connectCalled.compareAndSet(false, true) || finished.get()) {
            throw new IllegalStateException("connect() may be called once, and not after close()");
        }
        URI target = url.webSocketUri(token, true, resumeSid);
        network.lookup(url.host()).whenComplete((address, lookupFailed) -> {
            if (lookupFailed != null) {
                finish(SignalErrors.failureReason(lookupFailed));
                return;
            }
            try {
                open(target, address);
            } catch (RuntimeException e) { // the network was stopped (shutting down): no socket, no thread left
                finish(SignalErrors.failureReason(e));
            }
        });
    }

    private void open(URI target, InetAddress address) {
        if (finished.get()) {
            return; // closed while the name was being looked up
        }
        int port = url.port();
        boolean tls = url.tls();
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(target,
                WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), MAX_MESSAGE_BYTES);
        SignalSocketHandler handler = new SignalSocketHandler(handshaker, MAX_MESSAGE_BYTES, new Socket());
        ChannelFuture connected = network.bootstrap().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ChannelPipeline p = ch.pipeline();
                if (tls) {
                    SslHandler ssl = network.tls().newHandler(ch.alloc(), url.host(), port); // SNI, hostname check
                    p.addLast("tls", ssl);
                }
                p.addLast("http", new HttpClientCodec());
                p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_RESPONSE_BYTES));
                p.addLast("signal", handler);
            }
        }).connect(new InetSocketAddress(address, port));
        Channel ch = connected.channel();
        channel = ch;
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                finish(SignalErrors.failureReason(f.cause()));
            }
        });
        ch.eventLoop().schedule(() -> {
            if (!open && !finished.get()) {
                finish("signalling failed: no answer to the WebSocket upgrade within " + UPGRADE_TIMEOUT_MS + " ms");
                ch.close();
            }
        }, UPGRADE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (finished.get()) {
            ch.close(); // close() ran between the check above and the channel's creation
        }
    }

    /** Publisher PC offer (after track_published). */
    @Override
    public boolean sendOffer(String sdp) {
        return send(SignalRequests.offer(sdp, offerIds.incrementAndGet()));
    }

    /** Subscriber PC answer to the latest onOffer. */
    @Override
    public boolean sendAnswer(String sdp) {
        return send(SignalRequests.answer(sdp, serverOfferId));
    }

    /** @param candidateInitJson {@code {"candidate":"candidate:...","sdpMid":"0","sdpMLineIndex":0}} */
    public boolean sendTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
        return send(SignalRequests.trickle(candidateInitJson, target));
    }

    /** AddTrackRequest of type AUDIO; the server answers onTrackPublished with the same {@code cid}. */
    @Override
    public boolean addTrack(String cid, String name, LivekitModels.TrackSource source, boolean dtx) {
        return send(SignalRequests.addAudioTrack(cid, name, source, dtx));
    }

    /** Sets our own attributes (merged with existing ones); needs canUpdateOwnMetadata in the token. */
    @Override
    public boolean updateAttributes(Map<String, String> attributes) {
        return send(SignalRequests.updateAttributes(attributes, requestIds.incrementAndGet()));
    }

    @Override
    public boolean sendSyncState(LivekitRtc.SyncState state) {
        return send(SignalRequests.syncState(state));
    }

    /** Tells the server we leave for good, then closes the socket. */
    @Override
    public void leave() {
        send(SignalRequests.leave());
        close();
    }

    /**
     * Closes the socket: a close frame (1000) when the WebSocket is open, then the socket is cut when the server
     * has answered or after {@link #CLOSE_GRACE_MS}; onClosed follows. Idempotent; any thread.
     */
    @Override
    public void close() {
        Channel ch = channel;
        if (ch == null) {
            finish(connectCalled.get() ? "closed by client" : "closed before connect");
            return;
        }
        if (!open || !ch.isActive()) {
            ch.eventLoop().execute(() -> {
                finish("closed by client"); // first: the close fires onDisconnected, whose reason would be wrong
                ch.close();
            });
            return;
        }
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "client closed"));
        ch.eventLoop().schedule(() -> {
            if (!finished.get()) {
                finish("closed by client");
                ch.close();
            }
        }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** The newest token: the one we joined with, or the latest {@code refresh_token} from the server. */
    public String currentToken() {
        return token;
    }

    /** Last signalling round trip in ms (from ping/pong), 0 before the first pong. */
    public long rttMs() {
        PingMonitor p = ping;
        return p == null ? 0 : p.rttMs();
    }

    /** Pongs received so far. */
    public long pongs() {
        PingMonitor p = ping;
        return p == null ? 0 : p.pongs();
    }

    private boolean send(SignalRequest request) {
        Channel ch = channel;
        if (ch == null || !open || finished.get() || !ch.isActive()) {
            return false;
        }
        ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(request.toByteArray())), ch.voidPromise());
        return true;
    }

    private void dispatch(SignalResponse response) {
        switch (response.getMessageCase()) {
            case JOIN -> {
                pingIntervalS = response.getJoin().getPingInterval();
                pingTimeoutS = response.getJoin().getPingTimeout();
                startPinging();
                listener.onJoin(response.getJoin());
            }
            case RECONNECT -> {
                startPinging(); // with the settings of the join this connection resumes
                listener.onReconnect(response.getReconnect());
            }
            case OFFER -> {
                serverOfferId = response.getOffer().getId();
                listener.onOffer(response.getOffer().getSdp());
            }
            case ANSWER -> listener.onAnswer(response.getAnswer().getSdp());
            case TRICKLE -> listener.onTrickle(response.getTrickle().getCandidateInit(),
                    response.getTrickle().getTarget());
            case TRACK_PUBLISHED -> listener.onTrackPublished(response.getTrackPublished().getCid(),
                    response.getTrackPublished().getTrack());
            case TRACK_SUBSCRIBED -> listener.onTrackSubscribed(response.getTrackSubscribed().getTrackSid());
            case UPDATE -> listener.onParticipantUpdate(response.getUpdate().getParticipantsList());
            case LEAVE -> listener.onLeave(response.getLeave());
            case ROOM_UPDATE -> listener.onRoomUpdate(response.getRoomUpdate().getRoom());
            case REFRESH_TOKEN -> token = response.getRefreshToken();
            case PONG_RESP -> {
                PingMonitor p = ping;
                if (p != null) {
                    long rtt = System.currentTimeMillis() - response.getPongResp().getLastPingTimestamp();
                    p.onPong(rtt, monotonicMs.getAsLong());
                }
            }
            default -> listener.onOther(response);
        }
    }

    /** On the loop, from the join (or the reconnect answer of a resuming connection). */
    private void startPinging() {
        int intervalS = pingIntervalS;
        int timeoutS = pingTimeoutS;
        Channel ch = channel;
        if (intervalS <= 0 || timeoutS <= 0 || ping != null || ch == null) {
            return; // the server does not want pings (or a second join on one socket: keep the first task)
        }
        ping = new PingMonitor(monotonicMs.getAsLong(), timeoutS * 1000L);
        pingTask = ch.eventLoop().scheduleAtFixedRate(this::pingTick, intervalS, intervalS, TimeUnit.SECONDS);
    }

    /** On the loop. */
    private void pingTick() {
        PingMonitor p = ping;
        if (finished.get() || p == null) {
            return;
        }
        if (p.timedOut(monotonicMs.getAsLong())) {
            finish("ping timeout: no pong_resp within the server's ping_timeout");
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
            return;
        }
        send(SignalRequests.ping(System.currentTimeMillis(), p.rttMs()));
    }

    private void finish(String reason) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        open = false;
        ScheduledFuture<?> task = pingTask;
        if (task != null) {
            task.cancel(false);
        }
        listener.onClosed(reason);
    }

    /** The socket's events, on the signal loop. */
    private final class Socket implements SignalSocketHandler.Events {
        @Override
        public void onUpgraded() {
            open = !finished.get();
        }

        @Override
        public void onRefused(int status, String phrase, String body) {
            finish(SignalErrors.refusedReason(status, phrase, body, token));
        }

        @Override
        public void onMessage(ByteBuf payload) {
            if (finished.get()) {
                return;
            }
            SignalResponse response;
            int size = payload.readableBytes();
            try {
                response = SignalResponse.parseFrom(payload.nioBuffer());
            } catch (InvalidProtocolBufferException e) {
                Channel ch = channel;
                if (ch != null) {
                    ch.writeAndFlush(new CloseWebSocketFrame(1002, "undecodable signal frame")).addListener(f -> ch.close());
                }
                finish("protocol error: undecodable SignalResponse (" + size + " bytes): " + e.getMessage());
                return;
            }
            try {
                dispatch(response);
            } catch (RuntimeException e) {
                // a listener bug must not tear down the call's signalling; it is the listener's to fix
                LOG.log(System.Logger.Level.ERROR, "signal listener failed on " + response.getMessageCase(), e);
            }
        }

        @Override
        public void onServerClose(int code, String reason) {
            finish(SignalErrors.closeReason(code, reason));
        }

        @Override
        public void onText(int bytes) {
            // text frames are the JSON encoding of protocol 0; we announce protobuf, so this is a server bug
            if (!textLogged) {
                textLogged = true;
                LOG.log(System.Logger.Level.WARNING, "ignoring unexpected text signal frames (the first: {0} bytes)",
                        bytes);
            }
        }

        @Override
        public void onUnwritable() {
            finish("signalling stalled: the server stopped reading (" + SignalNetwork.HIGH_WATER_MARK
                    + " bytes queued)");
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            finish(SignalErrors.failureReason(cause instanceof DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause));
        }

        @Override
        public void onDisconnected() {
            finish("signalling failed: connection closed by the server without a close frame");
        }
    }
}
