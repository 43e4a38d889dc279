package dev.gateway.agent.room;

import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.RoomTarget;
import dev.gateway.agent.VoicemailResult;
import dev.gateway.agent.room.SetupTimeline.Stage;
import dev.gateway.agent.signal.SignalSession;
import dev.gateway.agent.signal.Tokens;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/**
 * One caller as a participant of kind {@code sip} in a LiveKit room (classic two-connection mode, LIVEKIT.md).
 * Joins while the phone rings ({@link RoomSession}), publishes the caller's track ({@link PublisherLink}), receives
 * the room ({@link SubscriberLink}), serves the room's RPC ({@link RoomRpc}); all audio is {@link RoomAudio}'s.
 *
 * <p>Answer policy: an outbound call is ready (and dialled) once the publisher is; an inbound call keeps ringing
 * until, in addition, an agent is there ({@link AgentPresence}), at most {@code ringingTimeoutMillis}, after which
 * it is answered anyway or refused (480), as configured. Room deleted, participant removed or signalling lost ->
 * the call ends.
 *
 * <p>Threading: confined to the call's event loop; the parts hop onto it before calling in.
 */
final class RoomCall implements CallAgent {
    private static final System.Logger LOG = System.getLogger("room");

    /** What a room call needs from its factory; tests supply fakes. */
    record Services(LiveKitSettings settings, Tokens tokens, String hostname, RoomSession.Connector signalling,
                    Function<PhoneLeg, RoomTransport.Opener> transports, Function<PhoneLeg, CallLoop> loops) {
    }

    private final Services services;
    private final CallInfo call;
    private final RoomTarget target;
    private final String identity;
    private final boolean waitForAgent;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AgentPresence presence;
    private PhoneLeg leg;
    private CallLoop loop;
    private RoomSession session;
    private PublisherLink publisher;
    private SubscriberLink subscriber;
    private RoomRpc rpc;
    private RoomAudio audio;
    private SetupTimeline timeline;
    private CallLoop.Timer joinTimeout;
    private CallLoop.Timer ringingTimeout;
    private boolean publisherReady;
    private RoomDtmf dtmf;
    private RoomVoicemail voicemail;
    private boolean ringingExpired;
    private boolean started;
    private boolean ended;

    RoomCall(Services services, CallInfo call) {
        this.services = services;
        this.call = call;
        this.target = call.room();
        this.identity = call.participantIdentity();
        this.waitForAgent = !target.outbound();
        this.presence = new AgentPresence(identity);
    }

    @Override
    public CompletionStage<Void> prepare(PhoneLeg leg) {
        this.leg = leg;
        this.loop = services.loops().apply(leg);
        timeline = new SetupTimeline(loop);
        LiveKitSettings s = services.settings();
        audio = new RoomAudio(call.id(), s, loop, leg.media());
        Tokens.Builder token = services.tokens().participant(identity, target.roomName()).kind("sip")
                .name(target.name() != null ? target.name() : "Phone " + call.remoteNumber())
                .attributes(RoomSession.attributes(call, target, services.hostname(), target.outbound() ? "dialing" : "ringing"))
                .metadata(target.metadata());
        for (RoomTarget.AgentDispatch a : target.agents()) {
            token.agent(a.agentName(), a.metadata());
        }
        String jwt = token.toJwt();
        timeline.mark(Stage.TOKEN);
        session = new RoomSession(call.id(), identity, loop, new Room());
        SignalSession signal = session.open(services.signalling(), jwt);
        RoomTransport.Opener transports = timed(services.transports().apply(leg));
        publisher = new PublisherLink(call.id(), target.roomName(), transports, signal, audio, loop, new Publisher());
        subscriber = new SubscriberLink(call.id(), transports, signal, audio, new Subscriber());
        rpc = new RoomRpc(call.id(), leg, loop, publisher::sendReliable);
        dtmf = new RoomDtmf(identity, publisher::sendReliable, this::log);
        voicemail = new RoomVoicemail(identity, session::attributes, publisher::sendReliable, this::log);
        session.mediaHeard(() -> Math.max(publisher.lastHeardNanos(), subscriber.lastHeardNanos())); // RoomResume
        joinTimeout = loop.schedule(() -> roomGone("room " + target.roomName() + " not ready within "
                + s.joinTimeoutMillis() / 1000 + " s"), s.joinTimeoutMillis());
        if (waitForAgent) {
            ringingTimeout = loop.schedule(this::ringingTimedOut, s.ringingTimeoutMillis());
        }
        log("joining room " + target.roomName() + " as " + identity + (target.agents().isEmpty() ? ""
                : " dispatching " + target.agents().stream().map(RoomTarget.AgentDispatch::agentName).toList()));
        session.connect();
        return ready;
    }

    @Override
    public void onRinging() {
        session.status("ringing");
    }

    @Override
    public void onStart(PhoneLeg leg) {
        started = true;
        session.status("active");
    }

    /** A key press from the phone: to the room as {@link RoomDtmf} says (held until the data channel opens). */
    @Override
    public void onDtmf(char digit) {
        dtmf.press(digit);
    }

    /** Voicemail detection's result: attributes on the phone participant and a {@code sip_amd} data packet. */
    @Override
    public void onVoicemail(VoicemailResult result) {
        if (voicemail != null && !ended) {
            voicemail.update(result);
        }
    }

    @Override
    public void onEnd(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        ready.completeExceptionally(new IllegalStateException("call ended: " + reason));
        if (session == null) {
            return; // never prepared
        }
        cancelTimers();
        session.status("hangup");
        // After a conversation, leave once the data channel has drained (see RoomSession.leave); a call that never
        // started (failed dial, refused) leaves at once.
        session.leave(started, publisher::dataPending, this::closeMedia);
    }

    /** The prepare stage, as the SIP side sees it (tests). */
    CompletableFuture<Void> ready() {
        return ready;
    }

    private void maybeAnswer() {
        if (ready.isDone() || ended || !publisherReady) {
            return;
        }
        if (waitForAgent && presence.seen() == null && !ringingExpired) {
            return; // keep ringing
        }
        cancelTimers();
        timeline.mark(Stage.READY);
        LOG.log(System.Logger.Level.INFO, "[" + call.id() + "] set-up: " + timeline.line());
        ready.complete(null);
    }

    /** The set-up stages so far (tests). */
    SetupTimeline timeline() {
        return timeline;
    }

    private void onAgent() {
        timeline.mark(Stage.AGENT);
        log("agent in room: " + presence.seen());
        maybeAnswer();
    }

    private void ringingTimedOut() {
        if (ready.isDone() || ended) {
            return;
        }
        ringingExpired = true;
        long seconds = services.settings().ringingTimeoutMillis() / 1000;
        if (services.settings().ringingTimeoutAction() == LiveKitSettings.RingingTimeoutAction.REJECT) {
            roomGone("no agent in room " + target.roomName() + " within " + seconds + " s");
            return;
        }
        log("no agent in room " + target.roomName() + " within " + seconds + " s: answering anyway");
        maybeAnswer();
    }

    /**
     * The room cannot carry this call (any more): before the call is ready the caller gets an error response;
     * after that the call is hung up.
     */
    private void roomGone(String reason) {
        if (ended) {
            return;
        }
        if (ready.completeExceptionally(new IllegalStateException(reason))) {
            cancelTimers();
            log("room unavailable: " + reason + " (set-up: " + timeline.line() + ")");
            return;
        }
        log(reason);
        leg.hangup(reason);
    }

    private void cancelTimers() {
        if (joinTimeout != null) {
            joinTimeout.cancel();
        }
        if (ringingTimeout != null) {
            ringingTimeout.cancel();
        }
    }

    private void closeMedia() {
        publisher.close();
        subscriber.close();
        audio.close();
    }

    private void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + call.id() + "] " + event);
    }

    /** Signalling events, routed to the part they concern. */
    private final class Room implements RoomSession.Events {
        @Override
        public void onJoin(LivekitRtc.JoinResponse join) {
            timeline.mark(Stage.JOINED);
            log("joined room " + join.getRoom().getName() + " (server " + join.getServerVersion() + ")");
            if (presence.onParticipants(join.getOtherParticipantsList())) {
                onAgent();
            }
            publisher.open();
        }

        @Override
        public void onSubscriberOffer(String sdp) {
            timeline.mark(Stage.SUBSCRIBER_OFFER);
            subscriber.onOffer(sdp);
        }

        @Override
        public void onPublisherAnswer(String sdp) {
            timeline.mark(Stage.PUBLISHER_ANSWER);
            publisher.onAnswer(sdp);
        }

        @Override
        public void onCandidate(String candidate, LivekitRtc.SignalTarget side) {
            if (side == LivekitRtc.SignalTarget.PUBLISHER) {
                publisher.addCandidate(candidate);
            } else {
                subscriber.addCandidate(candidate);
            }
        }

        @Override
        public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
            if (publisher.onTrackPublished(cid)) {
                timeline.mark(Stage.TRACK_PUBLISHED);
                presence.ownTrack(track.getSid());
            }
        }

        @Override
        public void onTrackSubscribed(String trackSid) {
            if (presence.onTrackSubscribed(trackSid)) {
                onAgent();
            }
        }

        @Override
        public void onParticipants(List<LivekitModels.ParticipantInfo> participants) {
            if (presence.onParticipants(participants)) {
                onAgent();
            }
        }

        @Override
        public void onRoomGone(String reason) {
            roomGone(reason);
        }
    }

    /** The connections of this call, with their set-up stages recorded on the way to the links. */
    private RoomTransport.Opener timed(RoomTransport.Opener opener) {
        return (side, listener, name) -> {
            boolean publisher = side == RoomTransport.Side.PUBLISHER;
            CompletableFuture<RoomTransport> opened = opener.open(side, new TimedListener(publisher, listener), name);
            if (publisher) {
                opened.thenRun(() -> timeline.mark(Stage.PUBLISHER_OPEN)); // the link gets `opened` itself, unwrapped
            }
            return opened;
        };
    }

    /** Passes every event on to the link after noting set-up stages; one per connection. */
    private final class TimedListener implements PeerTransport.Listener {
        private final boolean publisher;
        private final PeerTransport.Listener link;

        TimedListener(boolean publisher, PeerTransport.Listener link) {
            this.publisher = publisher;
            this.link = link;
        }

        @Override
        public void onIceConnected() {
            timeline.mark(publisher ? Stage.PUBLISHER_ICE : Stage.SUBSCRIBER_ICE);
            link.onIceConnected();
        }

        @Override
        public void onDtlsRunning() {
            timeline.mark(publisher ? Stage.PUBLISHER_DTLS_START : Stage.SUBSCRIBER_DTLS_START);
            link.onDtlsRunning();
        }

        @Override
        public void onReady() {
            timeline.mark(publisher ? Stage.PUBLISHER_DTLS : Stage.SUBSCRIBER_DTLS);
            link.onReady();
        }

        @Override
        public void onFailed(String reason) {
            link.onFailed(reason);
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
            link.onRtp(packet, header);
        }

        @Override
        public void onRtcp(ByteBuf packet) {
            link.onRtcp(packet);
        }

        @Override
        public void onData(String label, byte[] data) {
            link.onData(label, data);
        }

        @Override
        public void onDataChannelOpen(String label) {
            if (publisher && label.equals(PublisherLink.RELIABLE)) {
                timeline.mark(Stage.DATA_CHANNEL);
            }
            link.onDataChannelOpen(label);
        }
    }

    private final class Publisher implements PublisherLink.Events {
        @Override
        public void onPublisherConnected() {
            if (joinTimeout != null) {
                joinTimeout.cancel();
            }
            // no silence timer needed: the call's media tick already feeds the uplink (silence while ringing)
        }

        @Override
        public void onPublisherReady() {
            publisherReady = true;
            maybeAnswer();
        }

        @Override
        public void onReliableOpen() {
            dtmf.channelOpen();
            voicemail.channelOpen();
        }

        @Override
        public void onPublisherFailed(String reason) {
            roomGone(reason);
        }
    }

    private final class Subscriber implements SubscriberLink.Events {
        @Override
        public void onSubscriberFailed(String reason) {
            roomGone(reason);
        }

        @Override
        public void onSubscriberLost(String reason) {
            if (started) {
                roomGone(reason);
            }
        }

        @Override
        public void onRoomData(byte[] message) {
            rpc.onRoomData(message);
        }
    }
}
