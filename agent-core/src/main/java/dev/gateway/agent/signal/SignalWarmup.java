package dev.gateway.agent.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;

/**
 * What a first call's signalling would otherwise initialise, done once at start-up: a participant token with
 * attributes and an agent dispatch (JWT signing, JSON of the room configuration), the protobuf messages of the
 * signalling exchange (built, encoded and parsed), and one real WebSocket attempt through the shared
 * {@link SignalNetwork} to the configured server (DNS, TCP, TLS for {@code wss}, the HTTP upgrade, Netty's
 * pipeline and handshaker classes, the event loop's first run) with a token
 * whose signature is deliberately broken, so the server refuses it with 401 before any room or participant
 * exists: no agent is dispatched and nothing shows in the room list.
 *
 * <p>Threading: {@link #start} from any thread but an event loop; it returns at once. The future completes on the
 * signal event loop with the server's refusal as one line ("HTTP 401 ..."), or with the connect failure's reason
 * when the server is unreachable (start-up does not depend on it).
 */
public final class SignalWarmup {
    private final SignalNetwork network;
    private final String wsUrl;
    private final Tokens tokens;

    public SignalWarmup(SignalNetwork network, String wsUrl, Tokens tokens) {
        this.network = network;
        this.wsUrl = wsUrl;
        this.tokens = tokens;
    }

    /** Runs the local steps now, then opens the WebSocket; the future carries how the server ended it. */
    public CompletableFuture<String> start() {
        String token = tokens.participant("warm-up", "warm-up").kind("sip").name("warm-up")
                .attributes(Map.of("sip.callStatus", "ringing")).agent("warm-up", "").toJwt();
        roundTripMessages();
        CompletableFuture<String> closed = new CompletableFuture<>();
        SignalClient client = new SignalClient(network, wsUrl, brokenSignature(token), new Refused(closed));
        client.connect();
        closed.whenComplete((reason, e) -> client.close());
        return closed;
    }

    /** The JWT with its signature's first character changed: well-formed, and refused by the server. */
    static String brokenSignature(String jwt) {
        int dot = jwt.lastIndexOf('.');
        char c = jwt.charAt(dot + 1);
        return jwt.substring(0, dot + 1) + (c == 'A' ? 'B' : 'A') + jwt.substring(dot + 2);
    }

    /** Encodes and parses the requests we send and the responses we read, as a call does. */
    private static void roundTripMessages() {
        try {
            List<SignalRequest> requests = List.of(SignalRequests.offer("v=0\r\n", 1), SignalRequests.answer("v=0\r\n", 1),
                    SignalRequests.trickle("{\"candidate\":\"\"}", LivekitRtc.SignalTarget.PUBLISHER),
                    SignalRequests.addAudioTrack("warm-up", "phone", LivekitModels.TrackSource.MICROPHONE, false),
                    SignalRequests.updateAttributes(Map.of("sip.callStatus", "active"), 1));
            for (SignalRequest r : requests) {
                SignalRequest.parseFrom(r.toByteArray());
            }
            LivekitModels.ParticipantInfo participant = LivekitModels.ParticipantInfo.newBuilder().setIdentity("warm-up")
                    .putAttributes("sip.callStatus", "ringing").addTracks(LivekitModels.TrackInfo.newBuilder()
                            .setSid("TR_warm").setType(LivekitModels.TrackType.AUDIO)).build();
            List<SignalResponse> responses = List.of(
                    SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder()
                            .setRoom(LivekitModels.Room.newBuilder().setName("warm-up")).setParticipant(participant)
                            .addOtherParticipants(participant).setPingInterval(5).setPingTimeout(15)).build(),
                    SignalResponse.newBuilder().setTrackPublished(LivekitRtc.TrackPublishedResponse.newBuilder()
                            .setCid("warm-up").setTrack(participant.getTracks(0))).build(),
                    SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder()
                            .addParticipants(participant)).build(),
                    SignalResponse.newBuilder().setTrickle(LivekitRtc.TrickleRequest.newBuilder()
                            .setCandidateInit("{}").setTarget(LivekitRtc.SignalTarget.SUBSCRIBER)).build());
            for (SignalResponse r : responses) {
                SignalResponse.parseFrom(r.toByteArray()).getMessageCase();
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("signalling messages did not round-trip: " + e.getMessage(), e);
        }
    }

    /** Completes the future with the close reason; a join would be a server that ignored the signature. */
    private static final class Refused implements SignalClient.Listener {
        private final CompletableFuture<String> closed;

        Refused(CompletableFuture<String> closed) {
            this.closed = closed;
        }

        @Override
        public void onJoin(LivekitRtc.JoinResponse join) {
            closed.complete("joined (the server accepted a broken token signature)");
        }

        @Override
        public void onOffer(String sdp) {
        }

        @Override
        public void onAnswer(String sdp) {
        }

        @Override
        public void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
        }

        @Override
        public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
        }

        @Override
        public void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants) {
        }

        @Override
        public void onLeave(LivekitRtc.LeaveRequest leave) {
        }

        @Override
        public void onClosed(String reason) {
            closed.complete(reason);
        }
    }
}
