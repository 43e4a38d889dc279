package dev.gateway.agent.room;

import static dev.gateway.agent.room.FakeSignal.participant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import livekit.LivekitModels.ParticipantInfo.State;
import org.junit.jupiter.api.Test;

class AgentPresenceTest {
    private final AgentPresence presence = new AgentPresence("sip_+15550001111");

    @Test
    void subscriptionToOurTrackIsAnAgent() {
        presence.ownTrack("TR_me");
        assertTrue(presence.onTrackSubscribed("TR_me"));
        assertEquals("a participant subscribed to the caller's track", presence.seen());
        assertFalse(presence.onTrackSubscribed("TR_me"), "reported once");
    }

    @Test
    void subscriptionToAnotherTrackOrBeforeOurSidIsNot() {
        assertFalse(presence.onTrackSubscribed("TR_me"), "sid not known yet");
        presence.ownTrack("TR_me");
        assertFalse(presence.onTrackSubscribed("TR_other"));
        assertNull(presence.seen());
    }

    @Test
    void anotherParticipantPublishingAudioIsAnAgent() {
        assertTrue(presence.onParticipants(List.of(participant("agent-1", true, State.ACTIVE))));
        assertEquals("agent-1 publishes audio", presence.seen());
    }

    @Test
    void ourselvesSilentOrLeavingParticipantsAreNot() {
        assertFalse(presence.onParticipants(List.of(
                participant("sip_+15550001111", true, State.ACTIVE),
                participant("listener", false, State.ACTIVE),
                participant("gone", true, State.DISCONNECTED))));
        assertNull(presence.seen());
    }
}
