package dev.gateway.agent.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * WebSocket signalling to one LiveKit room for one participant, in the classic two-peer-connection mode
 * ({@code /rtc}; one binary frame = one protobuf {@code SignalRequest}/{@code SignalResponse}).
 *
 * <p>Threading: listener callbacks arrive on OkHttp's WebSocket reader thread, except {@code onClosed} after a
 * ping timeout, which comes from {@code timers}. Callers hand off to their own loop at once. Send methods are
 * thread-safe and never block (OkHttp queues the frame; a send on a closed socket is dropped and returns false).
 * {@code onClosed} is called exactly once per client, also after {@link #close()} and {@link #leave()}, and it is
 * the last callback.
 *
 * <p>Lifecycle: construct, {@link #connect()} once, then {@link #leave()} (call over) or {@link #close()}.
 * Nothing starts until {@code connect()}; the ping task runs on the injected {@code timers} from the join on.
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

        /** The server asks us to leave (room deleted, participant removed, ...); onClosed follows. */
        void onLeave(LivekitRtc.LeaveRequest leave);

        /** The connection is gone: socket closed or failed, HTTP error at upgrade, or ping timeout. */
        void onClosed(String reason);

        default void onRoomUpdate(LivekitModels.Room room) {
        }

        /** Any other response (speakers, connection quality, request_response, ...). */
        default void onOther(SignalResponse response) {
        }
    }

    private static final System.Logger LOG = System.getLogger("livekit.signal");
    /** How long a local close waits for the server's close frame before the socket is cancelled. */
    private static final long CLOSE_GRACE_MS = 2_000;

    private final OkHttpClient http;
    private final LiveKitUrl url;
    private final Listener listener;
    private final ScheduledExecutorService timers;
    private final LongSupplier monotonicMs;
    private final AtomicBoolean connectCalled = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicInteger offerIds = new AtomicInteger();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile String token;
    private volatile WebSocket socket;
    private volatile PingMonitor ping;
    private volatile ScheduledFuture<?> pingTask;
    /** Id of the last subscriber offer from the server; our answer echoes it. */
    private volatile int serverOfferId;

    public SignalClient(OkHttpClient http, String wsUrl, String token, Listener listener,
                        ScheduledExecutorService timers) {
        this(http, wsUrl, token, listener, timers, () -> System.nanoTime() / 1_000_000);
    }

    SignalClient(OkHttpClient http, String wsUrl, String token, Listener listener,
                 ScheduledExecutorService timers, LongSupplier monotonicMs) {
        this.http = Objects.requireNonNull(http, "http");
        this.url = LiveKitUrl.parse(wsUrl);
        this.token = Objects.requireNonNull(token, "token");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.monotonicMs = monotonicMs;
    }

    /** Opens the WebSocket; the outcome arrives as onJoin or onClosed. May be called once, not after close. */
    @Override
    public void connect() {
        if (!connectCalled.compareAndSet(false, true) || finished.get()) {
            throw new IllegalStateException("connect() may be called once, and not after close()");
        }
        Request request = new Request.Builder().url(url.rtcUrl(token, true)).build();
        socket = http.newWebSocket(request, new Reader());
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

    /** Tells the server we leave for good, then closes the socket. */
    @Override
    public void leave() {
        send(SignalRequests.leave());
        close();
    }

    /** Closes the socket (normal closure); onClosed follows. Idempotent. */
    public void close() {
        WebSocket ws = socket;
        if (ws == null) {
            finish("closed before connect");
            return;
        }
        ws.close(1000, "client closed");
        try {
            timers.schedule(() -> cancel(ws), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            cancel(ws); // the owner stopped its timers first: no grace period
        }
    }

    private void cancel(WebSocket ws) {
        if (!finished.get()) {
            ws.cancel();
            finish("closed by client");
        }
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
        WebSocket ws = socket;
        if (ws == null || finished.get()) {
            return false;
        }
        return ws.send(ByteString.of(request.toByteArray()));
    }

    private void dispatch(SignalResponse response) {
        switch (response.getMessageCase()) {
            case JOIN -> {
                startPinging(response.getJoin());
                listener.onJoin(response.getJoin());
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

    private void startPinging(LivekitRtc.JoinResponse join) {
        int intervalS = join.getPingInterval();
        int timeoutS = join.getPingTimeout();
        if (intervalS <= 0 || timeoutS <= 0 || ping != null) {
            return; // the server does not want pings (or a second join on one socket: keep the first task)
        }
        ping = new PingMonitor(monotonicMs.getAsLong(), timeoutS * 1000L);
        pingTask = timers.scheduleAtFixedRate(this::pingTick, intervalS, intervalS, TimeUnit.SECONDS);
    }

    private void pingTick() {
        PingMonitor p = ping;
        if (finished.get() || p == null) {
            return;
        }
        if (p.timedOut(monotonicMs.getAsLong())) {
            // Report first: cancelling makes OkHttp call onFailure ("Socket closed") on its reader thread, which
            // must not win the race and hide the real reason.
            finish("ping timeout: no pong_resp within the server's ping_timeout");
            WebSocket ws = socket;
            if (ws != null) {
                ws.cancel();
            }
            return;
        }
        send(SignalRequests.ping(System.currentTimeMillis(), p.rttMs()));
    }

    private void finish(String reason) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> task = pingTask;
        if (task != null) {
            task.cancel(false);
        }
        listener.onClosed(reason);
    }

    /** OkHttp callbacks, on its reader thread. */
    private final class Reader extends WebSocketListener {
        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
            SignalResponse response;
            try {
                response = SignalResponse.parseFrom(bytes.toByteArray());
            } catch (InvalidProtocolBufferException e) {
                ws.close(1002, "undecodable signal frame");
                finish("protocol error: undecodable SignalResponse (" + bytes.size() + " bytes): " + e.getMessage());
                return;
            }
            if (finished.get()) {
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
        public void onMessage(WebSocket ws, String text) {
            // text frames are the JSON encoding of protocol 0; we announce protobuf, so this is a server bug
            LOG.log(System.Logger.Level.WARNING, "ignoring unexpected text signal frame ({0} chars)", text.length());
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            ws.close(1000, null);
            finish(SignalErrors.closeReason(code, reason));
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            finish(SignalErrors.closeReason(code, reason));
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            finish(SignalErrors.failureReason(t, response, token));
        }
    }
}
