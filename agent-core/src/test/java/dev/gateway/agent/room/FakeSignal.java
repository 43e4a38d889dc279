package dev.gateway.agent.room;

import dev.gateway.agent.signal.SignalClient;
import dev.gateway.agent.signal.SignalSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/** A signalling connection that records requests; the test plays the server through {@link #listener}. */
final class FakeSignal implements SignalSession, RoomSession.Connector {
    final List<String> offers = new ArrayList<>();
    final List<String> answers = new ArrayList<>();
    final List<String> trackCids = new ArrayList<>();
    final List<Map<String, String>> attributes = new ArrayList<>();
    String token;
    SignalClient.Listener listener;
    boolean connected;
    boolean left;

    @Override
    public SignalSession open(String token, SignalClient.Listener listener) {
        this.token = token;
        this.listener = listener;
        return this;
    }

    @Override
    public void connect() {
        connected = true;
    }

    @Override
    public boolean sendOffer(String sdp) {
        offers.add(sdp);
        return true;
    }

    @Override
    public boolean sendAnswer(String sdp) {
        answers.add(sdp);
        return true;
    }

    @Override
    public boolean addTrack(String cid, String name, LivekitModels.TrackSource source, boolean dtx) {
        trackCids.add(cid);
        return true;
    }

    @Override
    public boolean updateAttributes(Map<String, String> attributes) {
        this.attributes.add(attributes);
        return true;
    }

    @Override
    public void leave() {
        left = true;
    }

    /** The server's JoinResponse for room {@code room} with {@code others} already in it. */
    void join(String room, LivekitModels.ParticipantInfo... others) {
        listener.onJoin(LivekitRtc.JoinResponse.newBuilder().setRoom(LivekitModels.Room.newBuilder().setName(room))
                .setServerVersion("test").addAllOtherParticipants(List.of(others)).build());
    }

    /** TrackPublishedResponse for our last AddTrack, with the given sid. */
    void trackPublished(String sid) {
        listener.onTrackPublished(trackCids.get(trackCids.size() - 1),
                LivekitModels.TrackInfo.newBuilder().setSid(sid).setType(LivekitModels.TrackType.AUDIO).build());
    }

    static LivekitModels.ParticipantInfo participant(String identity, boolean audio,
                                                     LivekitModels.ParticipantInfo.State state) {
        LivekitModels.ParticipantInfo.Builder p = LivekitModels.ParticipantInfo.newBuilder().setIdentity(identity)
                .setState(state);
        if (audio) {
            p.addTracks(LivekitModels.TrackInfo.newBuilder().setSid("TR_" + identity).setType(LivekitModels.TrackType.AUDIO));
        }
        return p.build();
    }
}
