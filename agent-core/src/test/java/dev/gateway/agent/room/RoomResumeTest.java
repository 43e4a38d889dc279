package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.signal.SignalClient;
import dev.gateway.agent.signal.SignalSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.junit.jupiter.api.Test;

class RoomResumeTest {
    private final ManualLoop loop = new ManualLoop();
    /** Every connection made, the first join and each resume attempt, in order. */
    private final List<Conn> conns = new ArrayList<>();
    private final List<String> downstream = new ArrayList<>();
    private final SignalClient.Listener events = new SignalClient.Listener() {
        @Override public void onJoin(LivekitRtc.JoinResponse join) { downstream.add("join"); }
        @Override public void onOffer(String sdp) { downstream.add("offer " + sdp); }
        @Override public void onAnswer(String sdp) { downstream.add("answer " + sdp); }
        @Override public void onTrickle(String c, LivekitRtc.SignalTarget target) { downstream.add("trickle"); }
        @Override public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
            downstream.add("published " + cid);
        }
        @Override public void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants) {
            downstream.add("participants");
        }
        @Override public void onLeave(LivekitRtc.LeaveRequest leave) { downstream.add("leave " + leave.getReason()); }
        @Override public void onClosed(String reason) { downstream.add("closed: " + reason); }
    };
    private final RoomResume resume = new RoomResume("c-1", loop, (token, listener) -> new Conn(token, null, listener),
            "jwt", events);

    /** A connection that records what is sent on it and resumes into a new one. */
    private final class Conn implements SignalSession {
        final String token;
        final String resumedSid;
        final SignalClient.Listener listener;
        final List<String> sent = new ArrayList<>();
        LivekitRtc.SyncState syncState;
        boolean connected;
        boolean closed;
        boolean left;

        Conn(String token, String resumedSid, SignalClient.Listener listener) {
            this.token = token;
            this.resumedSid = resumedSid;
            this.listener = listener;
            conns.add(this);
        }

        @Override public void connect() { connected = true; }
        @Override public boolean sendOffer(String sdp) { sent.add("offer " + sdp); return true; }
        @Override public boolean sendAnswer(String sdp) { sent.add("answer " + sdp); return true; }
        @Override public boolean addTrack(String cid, String name, LivekitModels.TrackSource s, boolean dtx) {
            sent.add("addTrack " + cid);
            return true;
        }
        @Override public boolean updateAttributes(Map<String, String> attributes) {
            sent.add("attributes " + attributes);
            return true;
        }
        @Override public boolean sendSyncState(LivekitRtc.SyncState state) { syncState = state; return true; }
        @Override public void leave() { left = true; }
        @Override public void close() { closed = true; }
        @Override public SignalSession resume(String sid, SignalClient.Listener l) { return new Conn(token, sid, l); }
    }

    private Conn conn(int i) {
        return conns.get(i);
    }

    /** Joined as PA_1, the caller's track published, attributes set, the subscriber answered. */
    private void joinedAndPublishing() {
        resume.connect();
        conn(0).listener.onJoin(LivekitRtc.JoinResponse.newBuilder()
                .setParticipant(LivekitModels.ParticipantInfo.newBuilder().setSid("PA_1").setIdentity("sip_1")).build());
        resume.addTrack("TR_phone", "phone", LivekitModels.TrackSource.MICROPHONE, false);
        resume.sendOffer("pub-offer");
        conn(0).listener.onTrackPublished("TR_phone", LivekitModels.TrackInfo.newBuilder().setSid("TR_A").build());
        resume.updateAttributes(Map.of("sip.callStatus", "active"));
        resume.sendAnswer("sub-answer");
        loop.runPending();
    }

    @Test
    void aDropAfterTheJoinResumesThatParticipantAndSyncsItsState() {
        joinedAndPublishing();
        conn(0).listener.onClosed("connection reset");
        loop.runPending();
        assertTrue(resume.resuming());
        assertEquals(2, conns.size(), "the first attempt leaves at once");
        assertEquals("PA_1", conn(1).resumedSid);
        assertTrue(conn(1).connected);

        conn(1).listener.onReconnect(LivekitRtc.ReconnectResponse.getDefaultInstance());
        loop.runPending();
        assertFalse(resume.resuming());
        LivekitRtc.SyncState sync = conn(1).syncState;
        assertEquals("TR_phone", sync.getPublishTracks(0).getCid());
        assertEquals("TR_A", sync.getPublishTracks(0).getTrack().getSid());
        assertEquals("pub-offer", sync.getOffer().getSdp());
        assertEquals("offer", sync.getOffer().getType());
        assertEquals("sub-answer", sync.getAnswer().getSdp());
        assertEquals(List.of("attributes {sip.callStatus=active}"), conn(1).sent, "the attributes are set again");
        assertEquals(List.of("join", "published TR_phone"), downstream, "the drop is not passed on");

        // the new connection carries the call: the server's ICE-restart offer arrives, our answer goes out on it
        conn(1).listener.onOffer("restart-offer");
        resume.sendAnswer("restart-answer");
        assertEquals(List.of("join", "published TR_phone", "offer restart-offer"), downstream);
        assertEquals("answer restart-answer", conn(1).sent.get(1));
    }

    @Test
    void attemptsBackOffAndStaleConnectionsAreIgnored() {
        joinedAndPublishing();
        conn(0).listener.onClosed("connection reset");
        loop.runPending();
        conn(1).listener.onClosed("connection refused");
        loop.runPending();
        assertEquals(2, conns.size(), "the second attempt waits 250 ms");
        loop.advanceMillis(249);
        assertEquals(2, conns.size());
        loop.advanceMillis(1);
        assertEquals(3, conns.size());
        conn(2).listener.onClosed("connection refused");
        loop.advanceMillis(500);
        assertEquals(4, conns.size());
        // a late event of an earlier connection changes nothing
        conn(1).listener.onOffer("stale");
        conn(1).listener.onReconnect(LivekitRtc.ReconnectResponse.getDefaultInstance());
        loop.runPending();
        assertTrue(resume.resuming());
        assertEquals(List.of("join", "published TR_phone"), downstream);
    }

    @Test
    void theBudgetRunsOutThenTheDropIsFinal() {
        joinedAndPublishing();
        conn(0).listener.onClosed("connection reset");
        loop.runPending();
        java.util.Set<Conn> failed = new java.util.HashSet<>(List.of(conn(0)));
        for (int i = 0; i < 80 && downstream.size() == 2; i++) {
            Conn last = conns.get(conns.size() - 1);
            if (failed.add(last)) {
                last.listener.onClosed("connection refused"); // each attempt fails at once
            }
            loop.advanceMillis(250);
        }
        assertFalse(resume.resuming());
        // attempts at 0, 0.25, 0.75, 1.75, 3.75, 5.75, 7.75, 9.75 s after the drop; given up at 10 s
        assertEquals(1 + 8, conns.size());
        assertTrue(conns.get(conns.size() - 1).closed);
        assertEquals("closed: connection reset; not resumed after 8 attempt(s) in 10000 ms (last: connection refused)",
                downstream.get(2));
        assertEquals(3, downstream.size());
    }

    @Test
    void aSilentMediaServerEndsTheResumeEarlyAHearingOneDoesNot() {
        long[] heard = {Long.MIN_VALUE};
        resume.mediaHeard(() -> heard[0]);
        joinedAndPublishing();
        heard[0] = loop.nanoTime();
        conn(0).listener.onClosed("connection reset");
        loop.runPending();
        // the media keeps arriving (a signalling blip): the resume goes on past the silence limit
        for (int i = 0; i < 24; i++) {
            loop.advanceMillis(250);
            if (i < 16) {
                heard[0] = loop.nanoTime();
            }
        }
        assertTrue(resume.resuming(), "2 s of silence after 4 s of media");
        assertEquals(List.of("join", "published TR_phone"), downstream);
        // then nothing more from the media server: given up 5 s after its last packet, 9 s into the resume (budget: 10)
        loop.advanceMillis(2_750);
        assertTrue(resume.resuming());
        loop.advanceMillis(250);
        assertFalse(resume.resuming());
        assertEquals("closed: connection reset; not resumed: nothing from LiveKit's media server either for 5000 ms",
                downstream.get(2));
        assertTrue(conn(1).closed, "the pending attempt is closed");
    }

    @Test
    void aDropBeforeTheJoinIsFinalAtOnce() {
        resume.connect();
        conn(0).listener.onClosed("HTTP 401");
        loop.runPending();
        assertEquals(List.of("closed: HTTP 401"), downstream);
        assertEquals(1, conns.size());
    }

    @Test
    void leaveWithResumeIsADropButDisconnectAndARefusedResumeAreFinal() {
        joinedAndPublishing();
        conn(0).listener.onLeave(LivekitRtc.LeaveRequest.newBuilder()
                .setAction(LivekitRtc.LeaveRequest.Action.RESUME).build());
        conn(0).listener.onClosed("server closed");
        loop.runPending();
        assertTrue(conn(0).closed);
        assertEquals(2, conns.size(), "one attempt, not one per event");
        // the server no longer knows the participant: leave (STATE_MISMATCH, RECONNECT) on the attempt
        conn(1).listener.onLeave(LivekitRtc.LeaveRequest.newBuilder()
                .setReason(LivekitModels.DisconnectReason.STATE_MISMATCH)
                .setAction(LivekitRtc.LeaveRequest.Action.RECONNECT).build());
        conn(1).listener.onClosed("server closed");
        loop.advanceMillis(20_000);
        assertFalse(resume.resuming());
        assertEquals(2, conns.size());
        assertEquals(List.of("join", "published TR_phone", "leave STATE_MISMATCH"), downstream);
    }

    @Test
    void aLeaveThatDisconnectsIsPassedOn() {
        joinedAndPublishing();
        conn(0).listener.onLeave(LivekitRtc.LeaveRequest.newBuilder()
                .setReason(LivekitModels.DisconnectReason.ROOM_DELETED)
                .setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT).build());
        loop.runPending();
        assertEquals(List.of("join", "published TR_phone", "leave ROOM_DELETED"), downstream);
        assertEquals(1, conns.size());
    }

    @Test
    void theCallEndingStopsTheAttempts() {
        joinedAndPublishing();
        conn(0).listener.onClosed("connection reset");
        loop.runPending();
        conn(1).listener.onClosed("connection refused");
        loop.runPending();
        resume.leave();
        loop.advanceMillis(20_000);
        assertEquals(2, conns.size());
        assertTrue(conn(1).left);
        assertEquals(List.of("join", "published TR_phone"), downstream);
    }

    @Test
    void aSessionThatCannotResumeEndsAtTheDrop() {
        FakeSignal fake = new FakeSignal();
        RoomResume plain = new RoomResume("c-2", loop, fake, "jwt", events);
        plain.connect();
        fake.listener.onJoin(LivekitRtc.JoinResponse.newBuilder()
                .setParticipant(LivekitModels.ParticipantInfo.newBuilder().setSid("PA_2")).build());
        fake.listener.onClosed("connection reset");
        loop.runPending();
        assertFalse(plain.resuming());
        assertEquals(List.of("join", "closed: connection reset"), downstream);
        assertNull(fake.resume("PA_2", events));
    }
}
