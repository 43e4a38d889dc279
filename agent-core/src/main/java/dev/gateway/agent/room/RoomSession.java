package dev.gateway.agent.room;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.RoomTarget;
import dev.gateway.agent.signal.SignalClient;
import dev.gateway.agent.signal.SignalSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/**
 * The phone participant's signalling with its room: connects, turns the server's responses into calls on the
 * call's loop (join, offers, answers, candidates, track events, participants), keeps the {@code sip.*} attributes
 * current, and leaves, after letting the data channel drain when the call had started.
 *
 * <p>Threading: signalling callbacks arrive on the signal event loop and hop onto the call's loop at once; everything else is
 * loop-confined. After {@link #leave} no event is passed on.
 */
final class RoomSession {
    private static final System.Logger LOG = System.getLogger("room");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long FLUSH_POLL_MILLIS = 20;
    static final long FLUSH_LIMIT_NANOS = 1_000_000_000L;

    /** Opens the signalling connection with a token; production builds a {@link SignalClient}. */
    interface Connector {
        SignalSession open(String token, SignalClient.Listener listener);
    }

    /** The room's events, on the loop. */
    interface Events {
        void onJoin(LivekitRtc.JoinResponse join);

        void onSubscriberOffer(String sdp);

        void onPublisherAnswer(String sdp);

        void onCandidate(String candidate, LivekitRtc.SignalTarget target);

        void onTrackPublished(String cid, LivekitModels.TrackInfo track);

        void onTrackSubscribed(String trackSid);

        /** Participants joined, changed or left (our own removal comes as {@link #onRoomGone} instead). */
        void onParticipants(List<LivekitModels.ParticipantInfo> participants);

        /** The room cannot carry the call any more: left, deleted, removed us, or signalling lost. */
        void onRoomGone(String reason);
    }

    private final String callId;
    private final String identity;
    private final CallLoop loop;
    private final Events events;
    private SignalSession signal;
    private RoomResume resume;
    private boolean left;

    RoomSession(String callId, String identity, CallLoop loop, Events events) {
        this.callId = callId;
        this.identity = identity;
        this.loop = loop;
        this.events = events;
    }

    /**
     * Creates the connection for {@code token} (not yet connected): the links send on it. A drop after the join is
     * resumed ({@link RoomResume}); only a final loss reaches {@link Events#onRoomGone}.
     */
    SignalSession open(Connector connector, String token) {
        resume = new RoomResume(callId, loop, connector, token, new Signals()); // outlives a dropped WebSocket
        signal = resume;
        return signal;
    }

    /** When the room's media server was last heard from (media clock ns): a silent one is not waited for. */
    void mediaHeard(LongSupplier lastHeardNanos) {
        resume.mediaHeard(lastHeardNanos);
    }

    /** Connects; the outcome is {@code onJoin} or {@code onRoomGone}. */
    void connect() {
        signal.connect();
    }

    /** Sets {@code sip.callStatus} ("ringing", "active", "hangup"). */
    void status(String status) {
        if (signal != null && !left) {
            signal.updateAttributes(Map.of("sip.callStatus", status));
        }
    }

    /** Sets some of the phone participant's attributes (merged with the others), e.g. voicemail detection's. */
    void attributes(Map<String, String> attributes) {
        if (signal != null && !left) {
            signal.updateAttributes(attributes);
        }
    }

    /**
     * Leaves the room. With {@code flush}, only once {@code dataPending} is false (what was queued on the data
     * channel, an RPC reply or the last DTMF, has been acknowledged, or the agent sees "recipient disconnected"),
     * polled every {@link #FLUSH_POLL_MILLIS}, at most {@link #FLUSH_LIMIT_NANOS}; then {@code after} runs.
     */
    void leave(boolean flush, BooleanSupplier dataPending, Runnable after) {
        if (left) {
            return;
        }
        left = true;
        if (flush) {
            long deadline = loop.nanoTime() + FLUSH_LIMIT_NANOS;
            loop.schedule(() -> leaveWhenFlushed(deadline, dataPending, after), FLUSH_POLL_MILLIS);
        } else {
            leaveNow(after);
        }
    }

    private void leaveWhenFlushed(long deadline, BooleanSupplier dataPending, Runnable after) {
        if (dataPending.getAsBoolean() && loop.nanoTime() - deadline < 0) {
            loop.schedule(() -> leaveWhenFlushed(deadline, dataPending, after), FLUSH_POLL_MILLIS);
            return;
        }
        leaveNow(after);
    }

    private void leaveNow(Runnable after) {
        if (signal != null) {
            signal.leave();
        }
        after.run();
    }

    /** The phone participant's attributes, as LiveKit's own SIP service sets them. */
    static Map<String, String> attributes(CallInfo call, RoomTarget target, String hostname, String status) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("sip.callID", call.id());
        a.put("sip.trunkID", call.trunkId());
        a.put("sip.ruleID", target.ruleId());
        a.put("sip.phoneNumber", target.hidePhoneNumber() ? "" : (target.outbound() ? call.to() : call.from()));
        a.put("sip.trunkPhoneNumber", target.outbound() ? call.from() : call.to());
        a.put("sip.hostname", hostname);
        a.put("sip.callStatus", status);
        call.headers().forEach((name, value) -> a.put("sip.h." + name.toLowerCase(Locale.ROOT), value));
        a.putAll(target.attributes());
        return a;
    }

    private void onParticipants(List<LivekitModels.ParticipantInfo> participants) {
        for (LivekitModels.ParticipantInfo p : participants) {
            if (p.getIdentity().equals(identity) && p.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED) {
                events.onRoomGone("participant removed from the room");
                return;
            }
        }
        events.onParticipants(participants);
    }

    /** {@code {"candidate":"candidate:...",...}} -> the candidate line; "" for end-of-candidates or junk. */
    static String candidateOf(String candidateInitJson) {
        try {
            return JSON.readTree(candidateInitJson).path("candidate").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    private void onLoop(Runnable r) {
        loop.execute(() -> {
            if (!left) {
                r.run();
            }
        });
    }

    /** Signalling callbacks arrive on OkHttp threads: each hops onto the call's loop. */
    private final class Signals implements SignalClient.Listener {
        @Override
        public void onJoin(LivekitRtc.JoinResponse join) {
            onLoop(() -> events.onJoin(join));
        }

        @Override
        public void onOffer(String sdp) {
            onLoop(() -> events.onSubscriberOffer(sdp));
        }

        @Override
        public void onAnswer(String sdp) {
            onLoop(() -> events.onPublisherAnswer(sdp));
        }

        @Override
        public void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
            String candidate = candidateOf(candidateInitJson);
            if (!candidate.isEmpty()) {
                onLoop(() -> events.onCandidate(candidate, target));
            }
        }

        @Override
        public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
            onLoop(() -> events.onTrackPublished(cid, track));
        }

        @Override
        public void onTrackSubscribed(String trackSid) {
            onLoop(() -> events.onTrackSubscribed(trackSid));
        }

        @Override
        public void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants) {
            onLoop(() -> RoomSession.this.onParticipants(participants));
        }

        @Override
        public void onLeave(LivekitRtc.LeaveRequest leave) {
            onLoop(() -> events.onRoomGone("room asked us to leave (" + leave.getReason() + ")"));
        }

        @Override
        public void onClosed(String reason) {
            onLoop(() -> events.onRoomGone("LiveKit signalling closed: " + reason));
        }
    }
}
