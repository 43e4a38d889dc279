package dev.gateway.agent.room;

import static dev.gateway.agent.room.FakeSignal.participant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.CallInfo;
import dev.gateway.agent.RoomTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitModels.ParticipantInfo.State;
import livekit.LivekitRtc;
import org.junit.jupiter.api.Test;

class RoomSessionTest {
    private final ManualLoop loop = new ManualLoop();
    private final FakeSignal signal = new FakeSignal();
    private final List<String> events = new ArrayList<>();
    private final RoomSession session = new RoomSession("c-1", "sip_+1555", loop, new RoomSession.Events() {
        @Override public void onJoin(LivekitRtc.JoinResponse join) { events.add("join " + join.getRoom().getName()); }
        @Override public void onSubscriberOffer(String sdp) { events.add("offer"); }
        @Override public void onPublisherAnswer(String sdp) { events.add("answer"); }
        @Override public void onCandidate(String candidate, LivekitRtc.SignalTarget target) {
            events.add(target + " " + candidate);
        }
        @Override public void onTrackPublished(String cid, LivekitModels.TrackInfo track) { events.add("published " + cid); }
        @Override public void onTrackSubscribed(String trackSid) { events.add("subscribed " + trackSid); }
        @Override public void onParticipants(List<LivekitModels.ParticipantInfo> participants) {
            events.add("participants " + participants.size());
        }
        @Override public void onRoomGone(String reason) { events.add("gone: " + reason); }
    });

    @Test
    void responsesArriveOnTheLoopInOrder() {
        session.open(signal, "jwt");
        session.connect();
        assertEquals("jwt", signal.token);
        signal.join("r");
        signal.listener.onTrickle("{\"candidate\":\"candidate:1 1 udp 1 1.2.3.4 5 typ host\",\"sdpMid\":\"0\"}",
                LivekitRtc.SignalTarget.PUBLISHER);
        signal.listener.onTrickle("{\"candidate\":\"\"}", LivekitRtc.SignalTarget.PUBLISHER);
        signal.listener.onTrickle("not json", LivekitRtc.SignalTarget.SUBSCRIBER);
        signal.listener.onTrackSubscribed("TR_1");
        assertTrue(events.isEmpty(), "nothing runs on the signalling thread");
        loop.runPending();
        assertEquals(List.of("join r", "PUBLISHER candidate:1 1 udp 1 1.2.3.4 5 typ host", "subscribed TR_1"), events);
    }

    @Test
    void ourOwnRemovalIsTheRoomGoneOthersAreParticipants() {
        session.open(signal, "jwt");
        signal.listener.onParticipantUpdate(List.of(participant("agent", true, State.ACTIVE)));
        signal.listener.onParticipantUpdate(List.of(participant("sip_+1555", true, State.DISCONNECTED)));
        loop.runPending();
        assertEquals(List.of("participants 1", "gone: participant removed from the room"), events);
    }

    @Test
    void nothingIsPassedOnAfterLeaving() {
        session.open(signal, "jwt");
        session.status("active");
        session.leave(false, () -> false, () -> events.add("closed"));
        session.status("hangup");
        signal.listener.onClosed("client closed");
        loop.runPending();
        assertTrue(signal.left);
        assertEquals(List.of(Map.of("sip.callStatus", "active")), signal.attributes);
        assertEquals(List.of("closed"), events);
    }

    @Test
    void attributesAreLiveKitsWithTheRulesOnTop() {
        RoomTarget target = new RoomTarget("r", "rule-1", List.of(), Map.of("team", "sales"), "", false);
        CallInfo call = new CallInfo("c-1", "+15550001111", "+15550002222", "trunk-1",
                Map.of("X-Twilio-CallSid", "CA1"), target);
        assertEquals(Map.of("sip.callID", "c-1", "sip.trunkID", "trunk-1", "sip.ruleID", "rule-1",
                "sip.phoneNumber", "+15550001111", "sip.trunkPhoneNumber", "+15550002222", "sip.hostname", "gw",
                "sip.callStatus", "ringing", "sip.h.x-twilio-callsid", "CA1", "team", "sales"),
                RoomSession.attributes(call, target, "gw", "ringing"));
    }
}
