package dev.gateway.agent.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.RoomTarget;
import dev.gateway.agent.signal.SignalClient;
import dev.gateway.agent.signal.Tokens;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcException;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import dev.gateway.media.webrtc.dtls.DtlsCertificate;
import dev.gateway.media.webrtc.dtls.DtlsRole;
import dev.gateway.media.webrtc.ice.IceRole;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/**
 * One caller as a participant of kind {@code sip} in a LiveKit room (classic two-connection mode, LIVEKIT.md):
 * joins while the phone rings, publishes the caller's track, and is ready (the call may be answered) once the
 * publisher connection carries media. Then: caller audio -> Opus -> room; every room track -> Opus decode ->
 * mix -> phone. Room deleted, participant removed or signalling lost -> the call ends.
 *
 * <p>Threading: confined to the call's event loop. Signalling callbacks (OkHttp threads) hop onto it first.
 */
final class RoomCall implements CallAgent {
    private static final System.Logger LOG = System.getLogger("room");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FLUSH_POLL_MILLIS = 20;
    private static final long FLUSH_LIMIT_NANOS = 1_000_000_000L;
    /** How long a ready publisher may wait for its data channel before the call is answered anyway. */
    private static final long DATA_CHANNEL_GRACE_MILLIS = 2000;

    private final RoomAgentFactory services;
    private final CallInfo call;
    private final RoomTarget target;
    private final String identity;
    private final String trackCid = "TR_phone_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final short[] downlinkFrame = new short[TrackReceiver.FRAME_SAMPLES_8K];
    private final List<String> pendingSubscriberCandidates = new ArrayList<>();

    private PhoneLeg leg;
    private EventLoop loop;
    private SignalClient signal;
    private PeerTransport publisher;
    private PeerTransport subscriber;
    private CompletableFuture<PeerTransport> subscriberOpening;
    private OpusUplink uplink;
    private RoomDownlink downlink;
    private int subscriberOpusPt = WebRtcSdpWriter.OPUS_PT;
    private ScheduledFuture<?> joinTimeout;
    private boolean started;
    /** Answers the room's NACKs for the caller's track from the uplink's send history. */
    private final dev.gateway.media.rtcp.RtcpVisitor nacks = new dev.gateway.media.rtcp.RtcpVisitor() {
        @Override
        public void onNack(long senderSsrc, long mediaSsrc, int pid, int blp) {
            if (uplink != null && publisher != null) {
                uplink.onNack(mediaSsrc, pid, blp, publisher);
            }
        }
    };
    private boolean ended;

    RoomCall(RoomAgentFactory services, CallInfo call) {
        this.services = services;
        this.call = call;
        this.target = call.room();
        this.identity = call.participantIdentity();
    }

    @Override
    public CompletionStage<Void> prepare(PhoneLeg leg) {
        this.leg = leg;
        this.loop = leg.eventLoop();
        LiveKitSettings s = services.settings();
        downlink = new RoomDownlink(call.id(), s.jitterMinMs(), s.jitterMaxMs());
        Tokens.Builder token = services.tokens().participant(identity, target.roomName()).kind("sip")
                .name(target.name() != null ? target.name() : "Phone " + call.remoteNumber())
                .attributes(attributes(target.outbound() ? "dialing" : "ringing"))
                .metadata(target.metadata());
        for (RoomTarget.AgentDispatch a : target.agents()) {
            token.agent(a.agentName(), a.metadata());
        }
        signal = new SignalClient(services.http(), s.url(), token.toJwt(), new Signals(), services.timers());
        joinTimeout = loop.schedule(() -> roomGone("room " + target.roomName() + " not ready within "
                + s.joinTimeoutMillis() / 1000 + " s"), s.joinTimeoutMillis(), TimeUnit.MILLISECONDS);
        log("joining room " + target.roomName() + " as " + identity
                + (target.agents().isEmpty() ? "" : " dispatching " + target.agents().stream().map(RoomTarget.AgentDispatch::agentName).toList()));
        signal.connect();
        return ready;
    }

    @Override
    public void onRinging() {
        signal.updateAttributes(Map.of("sip.callStatus", "ringing"));
    }

    @Override
    public void onStart(PhoneLeg leg) {
        started = true;
        signal.updateAttributes(Map.of("sip.callStatus", "active"));
    }

    @Override
    public void onAudio(short[] pcm, int offset, int count) {
        if (uplink != null && publisher != null) {
            uplink.send(pcm, offset, publisher);
        }
        downlink.mix(downlinkFrame, services.media().nanoTime());
        leg.sendAudio(downlinkFrame, 0, downlinkFrame.length); // silence when nobody speaks: comfort for the caller
    }

    /** A key press from the phone: to the room both as {@code sip_dtmf} and as a user packet on topic sip_dtmf. */
    @Override
    public void onDtmf(char digit) {
        if (publisher == null) {
            return;
        }
        for (byte[] packet : RoomMessages.dtmf(identity, digit)) {
            if (!publisher.sendData("_reliable", packet)) {
                log("dtmf " + digit + " not sent to the room: data channel not open");
                return;
            }
        }
    }

    /** A data packet from the room (subscriber connection): DTMF for the phone, or an RPC for this call. */
    private void onRoomData(byte[] message) {
        RoomMessages.Incoming in = RoomMessages.parse(message, 0, message.length);
        if (in instanceof RoomMessages.Dtmf d) {
            leg.sendDtmf(String.valueOf(d.digit()));
        } else if (in instanceof RoomMessages.RpcCall rpc) {
            onRpc(rpc);
        }
    }

    /**
     * LiveKit RPC on the phone participant, so an agent can act on the call from wherever it runs:
     * {@code sip.hangup}, {@code sip.transfer} (payload: the target URI, or {"to": ...}), {@code sip.dtmf}
     * (payload: digits, or {"digits": ...}).
     */
    private void onRpc(RoomMessages.RpcCall rpc) {
        reply(RoomMessages.rpcAck(rpc.id(), rpc.callerIdentity()));
        String arg = rpcArgument(rpc.payload(), rpc.method().equals("sip.transfer") ? "to" : "digits");
        switch (rpc.method()) {
            case "sip.hangup" -> {
                reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), "ok"));
                log("hangup requested over RPC by " + rpc.callerIdentity());
                leg.hangup("hangup requested by " + rpc.callerIdentity());
            }
            case "sip.dtmf" -> {
                if (arg.isEmpty() || !arg.chars().allMatch(c -> dev.gateway.media.dtmf.DtmfDigit.isValid((char) c))) {
                    reply(RoomMessages.rpcError(rpc.id(), rpc.callerIdentity(), RoomMessages.RPC_APPLICATION_ERROR,
                            "digits must be 0-9, *, #, A-D"));
                    return;
                }
                leg.sendDtmf(arg);
                reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), "ok"));
            }
            case "sip.transfer" -> {
                if (!(arg.startsWith("sip:") || arg.startsWith("sips:") || arg.startsWith("tel:"))) {
                    reply(RoomMessages.rpcError(rpc.id(), rpc.callerIdentity(), RoomMessages.RPC_APPLICATION_ERROR,
                            "transfer target must be a sip:, sips: or tel: URI"));
                    return;
                }
                log("transfer to " + arg + " requested over RPC by " + rpc.callerIdentity());
                leg.transfer(arg).whenComplete((result, error) -> loop.execute(() -> {
                    if (error == null && result.succeeded()) {
                        reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), "transferred"));
                    } else {
                        String why = error != null ? error.getMessage() : result.reason() + " (SIP " + result.sipStatus() + ")";
                        reply(RoomMessages.rpcError(rpc.id(), rpc.callerIdentity(), RoomMessages.RPC_APPLICATION_ERROR, why));
                    }
                }));
            }
            default -> reply(RoomMessages.rpcError(rpc.id(), rpc.callerIdentity(), RoomMessages.RPC_UNSUPPORTED_METHOD,
                    "unsupported method " + rpc.method() + " (sip.hangup, sip.transfer, sip.dtmf)"));
        }
    }

    private void reply(byte[] packet) {
        if (publisher == null || !publisher.sendData("_reliable", packet)) {
            log("RPC reply not sent: data channel not open");
        }
    }

    /** An RPC payload is either the bare value or a JSON object holding it under {@code field}. */
    private static String rpcArgument(String payload, String field) {
        String p = payload == null ? "" : payload.strip();
        if (p.startsWith("{")) {
            try {
                return JSON.readTree(p).path(field).asText("").strip();
            } catch (Exception e) {
                return "";
            }
        }
        return p;
    }

    @Override
    public void onEnd(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        if (joinTimeout != null) {
            joinTimeout.cancel(false);
        }
        ready.completeExceptionally(new IllegalStateException("call ended: " + reason));
        if (signal != null) {
            signal.updateAttributes(Map.of("sip.callStatus", "hangup"));
        }
        // After a conversation, leave only once what was queued on the data channel (an RPC reply, the last DTMF)
        // has been acknowledged by the room, or the agent sees "recipient disconnected"; at most a second. A call
        // that never started (failed dial, refused) leaves at once.
        if (started) {
            long deadline = System.nanoTime() + FLUSH_LIMIT_NANOS;
            loop.schedule(() -> leaveWhenFlushed(deadline), FLUSH_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            leaveNow();
        }
    }

    private void leaveWhenFlushed(long deadline) {
        if (publisher != null && publisher.dataPending() && System.nanoTime() - deadline < 0) {
            loop.schedule(() -> leaveWhenFlushed(deadline), FLUSH_POLL_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        leaveNow();
    }

    private void leaveNow() {
        if (signal != null) {
            signal.leave();
        }
        closeMedia();
    }

    // ------------------------------------------------------------------ signalling, on the loop

    private void onJoin(LivekitRtc.JoinResponse join) {
        log("joined room " + join.getRoom().getName() + " (server " + join.getServerVersion() + ")");
        PeerTransport.open(services.media(), loop, IceRole.CONTROLLING, DtlsRole.SERVER, services.dtlsPool(),
                new PublisherEvents(), call.id() + "/publisher").whenComplete((t, error) -> {
                    if (error != null) {
                        roomGone("publisher transport: " + error.getMessage());
                        return;
                    }
                    if (ended) {
                        t.close();
                        return;
                    }
                    publisher = t;
                    publisher.openDataChannelsWhenReady(List.of(new PeerTransport.DataChannelSpec("_reliable", true, -1),
                            new PeerTransport.DataChannelSpec("_lossy", false, 0)));
                    uplink = new OpusUplink(io.netty.buffer.PooledByteBufAllocator.DEFAULT,
                            services.settings().opusBitrate(), services.settings().opusComplexity(), "gw-" + call.id());
                    signal.addTrack(trackCid, "phone", LivekitModels.TrackSource.MICROPHONE, false);
                });
    }

    private void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
        if (!cid.equals(trackCid) || publisher == null) {
            return;
        }
        String offer = WebRtcSdpWriter.publisherOffer(local(publisher), uplink.ssrc(), "gw-" + call.id(), "phone-" + call.id(), trackCid);
        signal.sendOffer(offer);
    }

    private void onAnswer(String sdp) {
        try {
            publisher.setRemote(WebRtcDescription.parse(sdp));
        } catch (WebRtcException e) {
            roomGone("publisher answer unreadable: " + e.getMessage());
        }
    }

    private void onOffer(String sdp) {
        WebRtcDescription offer;
        try {
            offer = WebRtcDescription.parse(sdp);
        } catch (WebRtcException e) {
            roomGone("subscriber offer unreadable: " + e.getMessage());
            return;
        }
        WebRtcDescription.Section audio = offer.firstOf("audio");
        if (audio != null && audio.opusPayloadType() >= 0) {
            subscriberOpusPt = audio.opusPayloadType();
        }
        if (subscriberOpening == null) {
            subscriberOpening = PeerTransport.open(services.media(), loop, IceRole.CONTROLLED, DtlsRole.CLIENT,
                    services.dtlsPool(), new SubscriberEvents(), call.id() + "/subscriber");
        }
        subscriberOpening.whenComplete((t, error) -> {
            if (error != null) {
                roomGone("subscriber transport: " + error.getMessage());
                return;
            }
            if (ended) {
                t.close();
                return;
            }
            subscriber = t;
            signal.sendAnswer(WebRtcSdpWriter.subscriberAnswer(local(t), offer));
            t.setRemote(offer);
            pendingSubscriberCandidates.forEach(t::addRemoteCandidate);
            pendingSubscriberCandidates.clear();
        });
    }

    private void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
        String candidate;
        try {
            JsonNode node = JSON.readTree(candidateInitJson);
            candidate = node.path("candidate").asText("");
        } catch (Exception e) {
            return;
        }
        if (candidate.isEmpty()) {
            return; // end-of-candidates
        }
        if (target == LivekitRtc.SignalTarget.PUBLISHER) {
            if (publisher != null) {
                publisher.addRemoteCandidate(candidate);
            }
        } else if (subscriber != null) {
            subscriber.addRemoteCandidate(candidate);
        } else {
            pendingSubscriberCandidates.add(candidate);
        }
    }

    private void onParticipants(List<LivekitModels.ParticipantInfo> participants) {
        for (LivekitModels.ParticipantInfo p : participants) {
            if (p.getIdentity().equals(identity) && p.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED) {
                roomGone("participant removed from the room");
            }
        }
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
            log("room unavailable: " + reason);
            return;
        }
        log(reason);
        leg.hangup(reason);
    }

    private void markReady(String warning) {
        if (!ready.isDone() && publisher != null && publisher.isReady()) {
            if (warning != null) {
                log(warning + ": answering anyway (DTMF and RPC wait for it)");
            }
            ready.complete(null);
        }
    }

    private WebRtcSdpWriter.Local local(PeerTransport t) {
        return new WebRtcSdpWriter.Local(t.iceUfrag(), t.icePwd(), DtlsCertificate.shared().sha256Fingerprint(),
                t.localCandidate(), ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }


    /** The phone participant's attributes, as LiveKit's own SIP service sets them. */
    private Map<String, String> attributes(String status) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("sip.callID", call.id());
        a.put("sip.trunkID", call.trunkId());
        a.put("sip.ruleID", target.ruleId());
        a.put("sip.phoneNumber", target.hidePhoneNumber() ? "" : (target.outbound() ? call.to() : call.from()));
        a.put("sip.trunkPhoneNumber", target.outbound() ? call.from() : call.to());
        a.put("sip.hostname", services.hostname());
        a.put("sip.callStatus", status);
        call.headers().forEach((name, value) -> a.put("sip.h." + name.toLowerCase(Locale.ROOT), value));
        a.putAll(target.attributes());
        return a;
    }

    private void closeMedia() {
        if (publisher != null) {
            publisher.close();
        }
        if (subscriber != null) {
            subscriber.close();
        } else if (subscriberOpening != null) {
            subscriberOpening.thenAccept(PeerTransport::close);
        }
        if (uplink != null) {
            uplink.close();
        }
        if (downlink != null) {
            downlink.close();
        }
    }

    private void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + call.id() + "] " + event);
    }

    private final class PublisherEvents implements PeerTransport.Listener {
        @Override
        public void onReady() {
            if (joinTimeout != null) {
                joinTimeout.cancel(false);
            }
            log("caller's track published in " + target.roomName());
            // Answer once the data channel is open too, so DTMF and RPC work from the first moment; but never
            // keep a caller waiting on data channels alone.
            loop.schedule(() -> markReady("data channel not open after " + DATA_CHANNEL_GRACE_MILLIS + " ms"),
                    DATA_CHANNEL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onDataChannelOpen(String label) {
            if (label.equals("_reliable")) {
                markReady(null);
            }
        }

        @Override
        public void onFailed(String reason) {
            roomGone("publisher connection: " + reason);
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
            // the server sends nothing on the publisher connection but RTCP
        }

        @Override
        public void onRtcp(ByteBuf packet) {
            dev.gateway.media.rtcp.RtcpCodec.parse(packet, nacks);
        }
    }

    private final class SubscriberEvents implements PeerTransport.Listener {
        @Override
        public void onReady() {
            log("subscriber connection up");
        }

        @Override
        public void onFailed(String reason) {
            if (started) {
                roomGone("subscriber connection: " + reason);
            }
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
            downlink.onRtp(header, packet, subscriberOpusPt, services.media().nanoTime());
        }

        @Override
        public void onData(String label, byte[] data) {
            onRoomData(data);
        }
    }

    /** Signalling callbacks arrive on OkHttp threads: each hops onto the call's loop. */
    private final class Signals implements SignalClient.Listener {
        @Override
        public void onJoin(LivekitRtc.JoinResponse join) {
            loop.execute(() -> RoomCall.this.onJoin(join));
        }

        @Override
        public void onOffer(String sdp) {
            loop.execute(() -> RoomCall.this.onOffer(sdp));
        }

        @Override
        public void onAnswer(String sdp) {
            loop.execute(() -> RoomCall.this.onAnswer(sdp));
        }

        @Override
        public void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
            loop.execute(() -> RoomCall.this.onTrickle(candidateInitJson, target));
        }

        @Override
        public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
            loop.execute(() -> RoomCall.this.onTrackPublished(cid, track));
        }

        @Override
        public void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants) {
            loop.execute(() -> onParticipants(participants));
        }

        @Override
        public void onLeave(LivekitRtc.LeaveRequest leave) {
            loop.execute(() -> roomGone("room asked us to leave (" + leave.getReason() + ")"));
        }

        @Override
        public void onClosed(String reason) {
            loop.execute(() -> roomGone("LiveKit signalling closed: " + reason));
        }
    }
}
