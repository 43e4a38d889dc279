package dev.gateway.agent.room;

import dev.gateway.agent.signal.SignalClient;
import dev.gateway.agent.signal.SignalSession;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/**
 * A call's signalling that outlives a dropped WebSocket: the links send through this session, which forwards to the
 * current connection. When that connection drops after the join (a network blip, or the server's {@code leave} with
 * action RESUME or RECONNECT), the participant's session is resumed on a new connection ({@code reconnect=1&sid=},
 * {@link SignalSession#resume}), retried with backoff for at most {@link #BUDGET_MILLIS} from the drop. The peer
 * connections and the call's media are not touched meanwhile: the caller's audio keeps flowing to the room over
 * ICE, which does not depend on the WebSocket.
 *
 * <p>Once the server answers {@code reconnect}: a {@code SyncState} (our published track, the last offer and
 * answer, as LiveKit's SDKs send it; the server checks the track still exists) and our attributes again (a status
 * change made while disconnected was lost); the server's ICE-restart offer for the subscriber connection then
 * reaches the subscriber link like any offer. The drop becomes final, and the downstream listener sees
 * {@code onClosed} or {@code onLeave} exactly as without this class, when: it came before the join (nothing to
 * resume), the server refuses the resume ({@code leave}: the participant is gone), a {@code leave} says DISCONNECT,
 * the room's media server has been silent on both peer connections for {@link #MEDIA_SILENCE_MILLIS} (LiveKit is
 * really gone: no need to wait for the budget), or the budget runs out.
 *
 * <p>Not done: the publisher's ICE restart. A signalling drop leaves the UDP path as it was; a lost media path
 * still ends the call through the transports' consent checks, as before.
 *
 * <p>Threading: the {@link SignalSession} methods may be called from any thread (they read the current connection);
 * connection events arrive on the signal loop and are passed on from there (the downstream listener hops to the
 * call's loop itself); every decision about drops and attempts is taken on the call's loop.
 */
final class RoomResume implements SignalSession {
    private static final System.Logger LOG = System.getLogger("room");
    /** From the drop to giving up, ms: a blip heals well within it; a dead server is not waited for longer. */
    static final long BUDGET_MILLIS = 10_000;
    /**
     * While resuming, a room whose media server has sent nothing on either connection for this long (ms) is gone
     * (its process died or its host is unreachable): the call ends now, not at the end of the budget. A live
     * server sends ICE keepalives every 2 s (livekit-server's {@code iceKeepaliveInterval}) and RTCP reports even in
     * a silent room, so 5 s tolerates a lost keepalive; its own ICE only gives a silent path up after 10-15 s.
     */
    static final long MEDIA_SILENCE_MILLIS = 5_000;
    private static final long MEDIA_CHECK_MILLIS = 250;
    /** Delay before attempt n (0-based), ms; the last one repeats. */
    private static final long[] BACKOFF_MILLIS = {0, 250, 500, 1000, 2000};

    private final String callId;
    private final CallLoop loop;
    private final SignalClient.Listener downstream;
    /** Attributes we set, latest value per key: sent again after a resume. */
    private final Map<String, String> attributes = new ConcurrentHashMap<>();
    private volatile SignalSession current;
    /** The connection whose events count; events of older ones are dropped. */
    private volatile int generation;
    /** Our participant's sid from the join; null before it (nothing to resume). */
    private volatile String participantSid;
    private volatile LivekitRtc.TrackPublishedResponse published;
    private volatile String lastOffer;
    private volatile String lastAnswer;
    // loop-confined
    private boolean ended;
    private boolean resuming;
    private int attempts;
    private long droppedAtNanos;
    private String dropReason;
    private String lastFailure;
    private CallLoop.Timer retry;
    private CallLoop.Timer deadline;
    private CallLoop.Timer mediaCheck;
    private LongSupplier mediaHeardNanos = () -> Long.MIN_VALUE;

    RoomResume(String callId, CallLoop loop, RoomSession.Connector connector, String token,
               SignalClient.Listener downstream) {
        this.callId = callId;
        this.loop = loop;
        this.downstream = downstream;
        this.current = connector.open(token, new Connection(0));
    }

    @Override
    public void connect() {
        current.connect();
    }

    @Override
    public boolean sendOffer(String sdp) {
        lastOffer = sdp;
        return current.sendOffer(sdp);
    }

    @Override
    public boolean sendAnswer(String sdp) {
        lastAnswer = sdp;
        return current.sendAnswer(sdp);
    }

    @Override
    public boolean addTrack(String cid, String name, LivekitModels.TrackSource source, boolean dtx) {
        return current.addTrack(cid, name, source, dtx);
    }

    @Override
    public boolean updateAttributes(Map<String, String> update) {
        attributes.putAll(update);
        return current.updateAttributes(update);
    }

    @Override
    public boolean sendSyncState(LivekitRtc.SyncState state) {
        return current.sendSyncState(state);
    }

    /** The call is over: no more attempts; the current connection leaves. On the call's loop. */
    @Override
    public void leave() {
        ended = true;
        cancelTimers();
        current.leave();
    }

    /** When the room's media server was last heard from, media clock ns ({@link Long#MIN_VALUE}: never). */
    void mediaHeard(LongSupplier lastHeardNanos) {
        this.mediaHeardNanos = lastHeardNanos;
    }

    /** True while a dropped connection is being resumed (tests). On the call's loop. */
    boolean resuming() {
        return resuming;
    }

    /** On the loop: the connection {@code gen} is gone. */
    private void dropped(int gen, String reason) {
        if (ended || gen != generation) {
            return;
        }
        if (participantSid == null) {
            downstream.onClosed(reason); // before the join: nothing to resume
            return;
        }
        generation++; // nothing more from the dropped connection counts
        if (!resuming) {
            resuming = true;
            attempts = 0;
            droppedAtNanos = loop.nanoTime();
            dropReason = reason;
            log("LiveKit signalling dropped (" + reason + "): resuming the session");
            deadline = loop.schedule(this::giveUp, BUDGET_MILLIS);
            mediaCheck = loop.every(this::checkMedia, MEDIA_CHECK_MILLIS);
        } else {
            lastFailure = reason;
        }
        retry = loop.schedule(this::attempt, BACKOFF_MILLIS[Math.min(attempts, BACKOFF_MILLIS.length - 1)]);
    }

    /** On the loop. */
    private void attempt() {
        if (ended || !resuming) {
            return;
        }
        attempts++;
        int gen = ++generation;
        SignalSession next = current.resume(participantSid, new Connection(gen));
        if (next == null) {
            lost(dropReason);
            return;
        }
        current = next;
        next.connect();
    }

    /** On the loop: the server accepted connection {@code gen}'s resume. */
    private void reconnected(int gen) {
        if (ended || gen != generation || !resuming) {
            return;
        }
        resuming = false;
        cancelTimers();
        long ms = TimeUnit.NANOSECONDS.toMillis(loop.nanoTime() - droppedAtNanos);
        log("LiveKit signalling resumed after " + attempts + " attempt(s), " + ms + " ms without signalling");
        current.sendSyncState(syncState());
        if (!attributes.isEmpty()) {
            current.updateAttributes(Map.copyOf(attributes));
        }
    }

    /** On the loop: the server's {@code leave} on connection {@code gen}. */
    private void left(int gen, LivekitRtc.LeaveRequest leave) {
        if (ended || gen != generation) {
            return;
        }
        LivekitRtc.LeaveRequest.Action action = leave.getAction();
        boolean mayResume = action == LivekitRtc.LeaveRequest.Action.RESUME
                || action == LivekitRtc.LeaveRequest.Action.RECONNECT;
        if (mayResume && participantSid != null && !resuming) {
            generation++; // the closing connection's onClosed is this drop, already handled
            current.close();
            dropped(generation, "server asked to " + action.name().toLowerCase() + " (" + leave.getReason() + ")");
            return;
        }
        // DISCONNECT, or a resume refused (the participant is gone): final
        generation++;
        resuming = false;
        cancelTimers();
        downstream.onLeave(leave);
    }

    /** On the loop: the budget ran out. */
    private void giveUp() {
        if (ended || !resuming) {
            return;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(loop.nanoTime() - droppedAtNanos);
        lost(dropReason + "; not resumed after " + attempts + " attempt(s) in " + ms + " ms"
                + (lastFailure == null ? "" : " (last: " + lastFailure + ")"));
    }

    /** On the loop, while resuming: a media server silent for {@link #MEDIA_SILENCE_MILLIS} is gone. */
    private void checkMedia() {
        if (ended || !resuming) {
            return;
        }
        long heard = mediaHeardNanos.getAsLong();
        if (heard == Long.MIN_VALUE) {
            return; // never heard (dropped during the set-up): only the budget applies
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(loop.nanoTime() - heard);
        if (silentMs >= MEDIA_SILENCE_MILLIS) {
            lost(dropReason + "; not resumed: nothing from LiveKit's media server either for " + silentMs + " ms");
        }
    }

    private void lost(String reason) {
        resuming = false;
        cancelTimers();
        generation++;
        current.close();
        downstream.onClosed(reason);
    }

    private LivekitRtc.SyncState syncState() {
        LivekitRtc.SyncState.Builder s = LivekitRtc.SyncState.newBuilder()
                .setSubscription(LivekitRtc.UpdateSubscription.newBuilder().setSubscribe(true));
        LivekitRtc.TrackPublishedResponse track = published;
        if (track != null) {
            s.addPublishTracks(track);
        }
        String offer = lastOffer;
        if (offer != null) {
            s.setOffer(LivekitRtc.SessionDescription.newBuilder().setType("offer").setSdp(offer));
        }
        String answer = lastAnswer;
        if (answer != null) {
            s.setAnswer(LivekitRtc.SessionDescription.newBuilder().setType("answer").setSdp(answer));
        }
        return s.build();
    }

    private void cancelTimers() {
        if (retry != null) {
            retry.cancel();
        }
        if (deadline != null) {
            deadline.cancel();
        }
        if (mediaCheck != null) {
            mediaCheck.cancel();
        }
    }

    private void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + callId + "] " + event);
    }

    /** One connection's events, on the signal loop: passed on while it is the current one. */
    private final class Connection implements SignalClient.Listener {
        private final int gen;

        Connection(int gen) {
            this.gen = gen;
        }

        private boolean live() {
            return gen == generation;
        }

        @Override
        public void onJoin(LivekitRtc.JoinResponse join) {
            if (live()) {
                participantSid = join.getParticipant().getSid();
                downstream.onJoin(join);
            }
        }

        @Override
        public void onReconnect(LivekitRtc.ReconnectResponse reconnect) {
            loop.execute(() -> reconnected(gen));
        }

        @Override
        public void onOffer(String sdp) {
            if (live()) {
                downstream.onOffer(sdp);
            }
        }

        @Override
        public void onAnswer(String sdp) {
            if (live()) {
                downstream.onAnswer(sdp);
            }
        }

        @Override
        public void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
            if (live()) {
                downstream.onTrickle(candidateInitJson, target);
            }
        }

        @Override
        public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
            if (live()) {
                published = LivekitRtc.TrackPublishedResponse.newBuilder().setCid(cid).setTrack(track).build();
                downstream.onTrackPublished(cid, track);
            }
        }

        @Override
        public void onTrackSubscribed(String trackSid) {
            if (live()) {
                downstream.onTrackSubscribed(trackSid);
            }
        }

        @Override
        public void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants) {
            if (live()) {
                downstream.onParticipantUpdate(participants);
            }
        }

        @Override
        public void onRoomUpdate(LivekitModels.Room room) {
            if (live()) {
                downstream.onRoomUpdate(room);
            }
        }

        @Override
        public void onOther(LivekitRtc.SignalResponse response) {
            if (live()) {
                downstream.onOther(response);
            }
        }

        @Override
        public void onLeave(LivekitRtc.LeaveRequest leave) {
            loop.execute(() -> left(gen, leave));
        }

        @Override
        public void onClosed(String reason) {
            loop.execute(() -> dropped(gen, reason));
        }
    }
}
