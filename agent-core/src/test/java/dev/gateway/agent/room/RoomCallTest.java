package dev.gateway.agent.room;

import static dev.gateway.agent.room.FakeSignal.participant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.CallInfo;
import dev.gateway.agent.RoomTarget;
import dev.gateway.agent.signal.Tokens;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import livekit.LivekitModels.ParticipantInfo.State;
import livekit.LivekitRtc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A room call against fake signalling and transports, on a hand-driven clock. */
class RoomCallTest {
    static final String SDP = String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=ice-ufrag:srv", "a=ice-pwd:serverpasswordserverpassword",
            "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB", "a=setup:actpass", "a=group:BUNDLE 0",
            "m=audio 9 UDP/TLS/RTP/SAVPF 109", "c=IN IP4 0.0.0.0", "a=mid:0", "a=rtpmap:109 opus/48000/2",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host", "");
    private static final long JOIN_TIMEOUT_MS = 10_000;
    private static final long RINGING_MS = 5_000;

    private final ManualLoop loop = new ManualLoop();
    private final FakeSignal signal = new FakeSignal();
    private final FakeTransports transports = new FakeTransports();
    private final RecordingLeg leg = new RecordingLeg();
    private RoomCall call;

    private RoomCall call(boolean outbound, LiveKitSettings.RingingTimeoutAction action) {
        LiveKitSettings s = new LiveKitSettings("ws://lk.test", "key", "secretsecretsecretsecretsecret", JOIN_TIMEOUT_MS,
                24000, 3, 20, 100, RINGING_MS, action);
        RoomCall.Services services = new RoomCall.Services(s, new Tokens(s.apiKey(), s.apiSecret()), "gw-host",
                signal, l -> transports, l -> loop);
        RoomTarget target = new RoomTarget("room-1", "rule-1", List.of(), Map.of(), "", false, null, null, outbound);
        call = new RoomCall(services, new CallInfo("c-1", "+15550001111", "+15550002222", "trunk-1", Map.of(), target));
        call.prepare(leg);
        loop.runPending();
        return call;
    }

    private RoomCall inbound() {
        return call(false, LiveKitSettings.RingingTimeoutAction.ANSWER);
    }

    /** Join, publish the caller's track, bring the publisher up with its data channel open. */
    private void publish() {
        signal.join("room-1");
        loop.runPending();
        assertEquals(1, signal.trackCids.size(), "AddTrack after the publisher transport is open");
        assertEquals(1, signal.offers.size(), "the offer right behind the AddTrack, before TrackPublished");
        signal.trackPublished("TR_caller");
        loop.runPending();
        assertEquals(1, signal.offers.size(), "no second offer when the track is accepted");
        signal.listener.onAnswer(SDP);
        loop.runPending();
        transports.publisherEvents().onReady();
        transports.publisher().dataOpen = true;
        transports.publisherEvents().onDataChannelOpen("_reliable");
    }

    private String failure() {
        try {
            call.ready().join();
            return "completed";
        } catch (CompletionException e) {
            return e.getCause().getMessage();
        }
    }

    @AfterEach
    void end() {
        if (call != null) {
            call.onEnd("test over");
            loop.advanceMillis(2000);
        }
    }

    @Test
    void theSetupTimelineRecordsEachStageOnceInMillisAfterPrepare() {
        inbound();
        loop.advanceMillis(100);
        signal.join("room-1", participant("agent", true, State.ACTIVE));
        loop.runPending();
        loop.advanceMillis(20);
        signal.trackPublished("TR_caller");
        loop.runPending();
        loop.advanceMillis(30);
        signal.listener.onAnswer(SDP);
        loop.runPending();
        loop.advanceMillis(50);
        transports.publisherEvents().onIceConnected();
        loop.advanceMillis(10);
        transports.publisherEvents().onDtlsRunning();
        loop.advanceMillis(40);
        transports.publisherEvents().onReady();
        assertTrue(call.ready().isDone(), "ready once media flows, before the data channel opens");
        loop.advanceMillis(5);
        transports.publisherEvents().onDataChannelOpen("_lossy");
        transports.publisherEvents().onDataChannelOpen("_reliable");
        SetupTimeline t = call.timeline();
        assertEquals(0, t.millis(SetupTimeline.Stage.TOKEN));
        assertEquals(100, t.millis(SetupTimeline.Stage.JOINED));
        assertEquals(100, t.millis(SetupTimeline.Stage.AGENT));
        assertEquals(100, t.millis(SetupTimeline.Stage.PUBLISHER_OPEN));
        assertEquals(120, t.millis(SetupTimeline.Stage.TRACK_PUBLISHED));
        assertEquals(150, t.millis(SetupTimeline.Stage.PUBLISHER_ANSWER));
        assertEquals(200, t.millis(SetupTimeline.Stage.PUBLISHER_ICE));
        assertEquals(210, t.millis(SetupTimeline.Stage.PUBLISHER_DTLS_START));
        assertEquals(250, t.millis(SetupTimeline.Stage.PUBLISHER_DTLS));
        assertEquals(255, t.millis(SetupTimeline.Stage.DATA_CHANNEL));
        assertEquals(250, t.millis(SetupTimeline.Stage.READY));
        assertEquals(-1, t.millis(SetupTimeline.Stage.SUBSCRIBER_OFFER), "no subscriber offer came");
        assertEquals("token +0, joined +100, publisher socket +100, track published +120, publisher answer +150, "
                + "publisher ice +200, publisher dtls start +210, publisher dtls +250, data channel +255, agent +100, "
                + "ready +250 ms", t.line());
    }

    @Test
    void inboundRingsUntilAnAgentSubscribesToTheCallersTrack() {
        inbound();
        assertTrue(signal.connected);
        publish();
        assertEquals(List.of("_reliable", "_lossy"), transports.publisher().channels);
        assertTrue(transports.publisher().remote != null, "the server's answer applied");
        loop.advanceMillis(1000);
        assertFalse(call.ready().isDone(), "publisher ready but nobody there: keep ringing");
        signal.listener.onTrackSubscribed("TR_other");
        loop.runPending();
        assertFalse(call.ready().isDone());
        signal.listener.onTrackSubscribed("TR_caller");
        loop.runPending();
        assertTrue(call.ready().isDone());
        assertEquals("completed", failure());
    }

    @Test
    void inboundAnswersWhenAnotherParticipantPublishesAudio() {
        inbound();
        publish();
        signal.listener.onParticipantUpdate(List.of(participant("listener", false, State.ACTIVE)));
        loop.runPending();
        assertFalse(call.ready().isDone());
        signal.listener.onParticipantUpdate(List.of(participant("agent", true, State.ACTIVE)));
        loop.runPending();
        assertEquals("completed", failure());
    }

    @Test
    void anAgentAlreadyInTheRoomStillWaitsForThePublisher() {
        inbound();
        signal.join("room-1", participant("agent", true, State.ACTIVE));
        loop.runPending();
        assertFalse(call.ready().isDone(), "agent there, but the caller's track is not published yet");
        signal.trackPublished("TR_caller");
        loop.runPending();
        transports.publisherEvents().onReady();
        transports.publisherEvents().onDataChannelOpen("_reliable");
        assertEquals("completed", failure());
    }

    @Test
    void ringingTimeoutAnswersAnywayWhenSoConfigured() {
        inbound();
        publish();
        loop.advanceMillis(RINGING_MS - 1);
        assertFalse(call.ready().isDone());
        loop.advanceMillis(1);
        assertEquals("completed", failure());
    }

    @Test
    void ringingTimeoutRefusesWhenSoConfigured() {
        call(false, LiveKitSettings.RingingTimeoutAction.REJECT);
        publish();
        loop.advanceMillis(RINGING_MS);
        assertEquals("no agent in room room-1 within 5 s", failure());
        assertTrue(leg.hangups.isEmpty(), "an unanswered call fails its stage; the SIP side sends 480");
    }

    @Test
    void ringingTimeoutBeforeThePublisherIsReadyAnswersOnceItIs() {
        inbound();
        signal.join("room-1");
        loop.advanceMillis(RINGING_MS);
        assertFalse(call.ready().isDone());
        signal.trackPublished("TR_caller");
        loop.runPending();
        transports.publisherEvents().onReady();
        transports.publisherEvents().onDataChannelOpen("_reliable");
        assertEquals("completed", failure());
    }

    @Test
    void ringingCallersTrackIsFedByTheCallsMediaTickAndTheRoomIsItsDownlink() {
        inbound();
        String attached = leg.phone.media.pipeline();
        assertTrue(attached.contains("room mix"), "the room's mix is a downlink source from prepare on: " + attached);
        publish();
        String pipeline = leg.phone.media.pipeline();
        assertTrue(pipeline.contains("opus(8k,cx3) -> rtp -> srtp"), "the caller's encoder is the uplink sink: " + pipeline);
        leg.phone.tick(null); // ringing: the tick feeds the uplink (silence) with no timer of the room's own
        assertEquals(0, loop.periodic(), "no silence timer of the room's own while ringing");
        assertTrue(leg.phone.sent.isEmpty(), "nothing goes to the phone before the answer");
    }

    @Test
    void outboundIsReadyWithThePublisherAlone() {
        call(true, LiveKitSettings.RingingTimeoutAction.REJECT);
        publish();
        assertEquals("completed", failure());
        call.onRinging();
        assertEquals(Map.of("sip.callStatus", "ringing"), signal.attributes.get(0));
    }

    @Test
    void theCallIsReadyOnceMediaFlowsWithoutWaitingForTheDataChannel() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        signal.join("room-1");
        loop.runPending();
        signal.trackPublished("TR_caller");
        loop.runPending();
        assertFalse(call.ready().isDone());
        transports.publisherEvents().onReady();
        assertEquals("completed", failure());
    }

    @Test
    void keysPressedBeforeTheDataChannelOpensReachTheRoomInOrderWhenItDoes() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        signal.join("room-1");
        loop.runPending();
        transports.publisherEvents().onReady();
        call.onDtmf('1');
        call.onDtmf('2');
        assertTrue(transports.publisher().reliable.isEmpty(), "held while the channel is closed");
        transports.publisher().dataOpen = true;
        transports.publisherEvents().onDataChannelOpen("_reliable");
        assertEquals(4, transports.publisher().reliable.size(), "both keys, each in both forms");
        call.onDtmf('3');
        assertEquals(6, transports.publisher().reliable.size());
    }

    @Test
    void heldKeysAreBounded() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        signal.join("room-1");
        loop.runPending();
        for (int i = 0; i < RoomDtmf.MAX_HELD + 5; i++) {
            call.onDtmf('9');
        }
        transports.publisher().dataOpen = true;
        transports.publisherEvents().onDataChannelOpen("_reliable");
        assertEquals(2 * RoomDtmf.MAX_HELD, transports.publisher().reliable.size());
    }

    @Test
    void roomNotJoinedInTimeRefusesTheCall() {
        inbound();
        loop.advanceMillis(JOIN_TIMEOUT_MS);
        assertEquals("room room-1 not ready within 10 s", failure());
    }

    @Test
    void signallingLostBeforeReadyFailsTheStage() {
        inbound();
        signal.join("room-1");
        signal.listener.onClosed("HTTP 401");
        loop.runPending();
        assertEquals("LiveKit signalling closed: HTTP 401", failure());
        assertTrue(leg.hangups.isEmpty());
    }

    @Test
    void publisherTransportThatCannotOpenFailsTheStage() {
        inbound();
        transports.failWith = "no ports";
        signal.join("room-1");
        loop.runPending();
        assertEquals("publisher transport: no ports", failure());
    }

    @Test
    void roomGoneAfterTheAnswerHangsUp() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        publish();
        call.onStart(leg);
        signal.listener.onLeave(LivekitRtc.LeaveRequest.newBuilder().build());
        loop.runPending();
        assertEquals(1, leg.hangups.size());
        assertTrue(leg.hangups.get(0).startsWith("room asked us to leave"), leg.hangups.get(0));
    }

    @Test
    void participantRemovedEndsTheCall() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        publish();
        call.onStart(leg);
        signal.listener.onParticipantUpdate(List.of(participant("sip_+15550002222", true, State.DISCONNECTED)));
        loop.runPending();
        assertEquals(List.of("participant removed from the room"), leg.hangups);
    }

    @Test
    void subscriberOfferIsAnsweredAndEarlyCandidatesApplied() {
        inbound();
        signal.join("room-1");
        signal.listener.onTrickle("{\"candidate\":\"candidate:9 1 udp 1 127.0.0.1 5 typ host\"}",
                LivekitRtc.SignalTarget.SUBSCRIBER);
        signal.listener.onTrickle("{\"candidate\":\"\"}", LivekitRtc.SignalTarget.SUBSCRIBER); // end-of-candidates
        loop.runPending();
        signal.listener.onOffer(SDP);
        loop.runPending();
        assertEquals(1, signal.answers.size());
        assertTrue(signal.answers.get(0).contains("a=setup:active"), signal.answers.get(0));
        assertEquals(List.of("candidate:9 1 udp 1 127.0.0.1 5 typ host"), transports.subscriber().candidates,
                "trickled before the transport existed, applied after the offer");
        assertEquals("srv", transports.subscriber().remote.iceUfrag());
    }

    @Test
    void unreadableSubscriberOfferFailsTheStage() {
        inbound();
        signal.join("room-1");
        signal.listener.onOffer("v=0\r\nnonsense");
        loop.runPending();
        assertTrue(failure().startsWith("subscriber offer unreadable"), failure());
    }

    @Test
    void statusFollowsTheCallAndAnUnstartedCallLeavesAtOnce() {
        inbound();
        publish();
        call.onEnd("caller hung up");
        assertTrue(signal.left);
        assertEquals(Map.of("sip.callStatus", "hangup"), signal.attributes.get(signal.attributes.size() - 1));
        assertTrue(transports.publisher().closed);
        assertEquals("call ended: caller hung up", failure());
        call = null;
    }

    @Test
    void aStartedCallLeavesOnceTheDataChannelHasDrainedAtMostASecondLater() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        publish();
        call.onStart(leg);
        transports.publisher().dataPending = true;
        call.onEnd("bye");
        loop.advanceMillis(500);
        assertFalse(signal.left, "an RPC reply is still on its way");
        transports.publisher().dataPending = false;
        loop.advanceMillis(20);
        assertTrue(signal.left);
        assertTrue(transports.publisher().closed);
        call = null;
    }

    @Test
    void aStartedCallLeavesAfterASecondEvenIfDataNeverDrains() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        publish();
        call.onStart(leg);
        assertEquals(Map.of("sip.callStatus", "active"), signal.attributes.get(signal.attributes.size() - 1));
        transports.publisher().dataPending = true;
        call.onEnd("bye");
        loop.advanceMillis(990);
        assertFalse(signal.left);
        loop.advanceMillis(40);
        assertTrue(signal.left);
        call = null;
    }

    @Test
    void dtmfGoesToTheRoomInBothForms() {
        call(true, LiveKitSettings.RingingTimeoutAction.ANSWER);
        publish();
        call.onDtmf('5');
        assertEquals(2, transports.publisher().reliable.size());
    }

    private RoomAudio audioOf() {
        try {
            var f = RoomCall.class.getDeclaredField("audio");
            f.setAccessible(true);
            return (RoomAudio) f.get(call);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
