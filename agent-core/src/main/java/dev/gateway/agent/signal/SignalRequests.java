package dev.gateway.agent.signal;

import java.util.Map;
import java.util.Objects;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;

/**
 * Builds the {@link SignalRequest}s the gateway sends. Pure and stateless: no socket, safe from any thread.
 * One WebSocket binary frame carries exactly one serialized {@code SignalRequest}.
 */
final class SignalRequests {

    private SignalRequests() {
    }

    /**
     * Publisher-PC offer. {@code id} numbers our offers (1, 2, ...); the server echoes it in the answer's
     * {@code SessionDescription.id} and only logs a mismatch.
     */
    static SignalRequest offer(String sdp, int id) {
        return SignalRequest.newBuilder().setOffer(description("offer", sdp, id)).build();
    }

    /** Subscriber-PC answer; {@code id} must be the id of the server offer it answers (0 if it had none). */
    static SignalRequest answer(String sdp, int id) {
        return SignalRequest.newBuilder().setAnswer(description("answer", sdp, id)).build();
    }

    /**
     * @param candidateInitJson an RTCIceCandidateInit as JSON, e.g.
     *                          {@code {"candidate":"candidate:1 1 udp 2130706431 10.0.0.1 4000 typ host","sdpMid":"0","sdpMLineIndex":0}}
     */
    static SignalRequest trickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
        return SignalRequest.newBuilder().setTrickle(LivekitRtc.TrickleRequest.newBuilder()
                .setCandidateInit(Objects.requireNonNull(candidateInitJson, "candidateInitJson"))
                .setTarget(Objects.requireNonNull(target, "target"))).build();
    }

    /** Announces an audio track; the server answers {@code track_published} with the same {@code cid}. */
    static SignalRequest addAudioTrack(String cid, String name, LivekitModels.TrackSource source, boolean dtx) {
        return SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                .setCid(Objects.requireNonNull(cid, "cid"))
                .setName(Objects.requireNonNull(name, "name"))
                .setType(LivekitModels.TrackType.AUDIO)
                .setSource(Objects.requireNonNull(source, "source"))
                .setDisableDtx(!dtx)).build();
    }

    /**
     * Sets (or, with an empty value, deletes) the given attributes of our own participant; other attributes are
     * kept. Needs {@code canUpdateOwnMetadata} in the token. {@code requestId} lets the server's
     * {@code request_response} be matched to this request.
     */
    static SignalRequest updateAttributes(Map<String, String> attributes, int requestId) {
        return SignalRequest.newBuilder().setUpdateMetadata(LivekitRtc.UpdateParticipantMetadata.newBuilder()
                .putAllAttributes(attributes)
                .setRequestId(requestId)).build();
    }

    /** We are leaving for good (the call ended): the server removes the participant at once. */
    static SignalRequest leave() {
        return SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
                .setReason(LivekitModels.DisconnectReason.CLIENT_INITIATED)
                .setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build();
    }

    /**
     * After a resume: what this participant publishes (the server checks each track still exists, else it asks for
     * a full reconnect) and the last answer/offer each connection agreed on, as LiveKit's SDKs send it.
     */
    static SignalRequest syncState(LivekitRtc.SyncState state) {
        return SignalRequest.newBuilder().setSyncState(Objects.requireNonNull(state, "state")).build();
    }

    /** @param timestampMs wall-clock send time, ms; @param rttMs last measured round trip, ms (0 if none yet) */
    static SignalRequest ping(long timestampMs, long rttMs) {
        return SignalRequest.newBuilder().setPingReq(LivekitRtc.Ping.newBuilder()
                .setTimestamp(timestampMs).setRtt(rttMs)).build();
    }

    private static LivekitRtc.SessionDescription description(String type, String sdp, int id) {
        return LivekitRtc.SessionDescription.newBuilder()
                .setType(type).setSdp(Objects.requireNonNull(sdp, "sdp")).setId(id).build();
    }
}
