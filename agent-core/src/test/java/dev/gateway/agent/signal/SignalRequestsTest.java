package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import org.junit.jupiter.api.Test;

/** Each request survives the wire (serialize, parse) with the fields the server reads. */
class SignalRequestsTest {

    private static SignalRequest roundTrip(SignalRequest r) throws Exception {
        return SignalRequest.parseFrom(r.toByteArray());
    }

    @Test
    void offerAndAnswerCarryTypeSdpAndId() throws Exception {
        SignalRequest offer = roundTrip(SignalRequests.offer("v=0\r\n", 3));
        assertEquals(SignalRequest.MessageCase.OFFER, offer.getMessageCase());
        assertEquals("offer", offer.getOffer().getType());
        assertEquals("v=0\r\n", offer.getOffer().getSdp());
        assertEquals(3, offer.getOffer().getId());
        SignalRequest answer = roundTrip(SignalRequests.answer("v=0\r\n", 7));
        assertEquals("answer", answer.getAnswer().getType());
        assertEquals(7, answer.getAnswer().getId());
    }

    @Test
    void trickleKeepsCandidateInitJsonVerbatim() throws Exception {
        String init = "{\"candidate\":\"candidate:1 1 udp 2130706431 10.0.0.1 4000 typ host\",\"sdpMid\":\"0\","
                + "\"sdpMLineIndex\":0}";
        SignalRequest r = roundTrip(SignalRequests.trickle(init, LivekitRtc.SignalTarget.SUBSCRIBER));
        assertEquals(init, r.getTrickle().getCandidateInit());
        assertEquals(LivekitRtc.SignalTarget.SUBSCRIBER, r.getTrickle().getTarget());
    }

    @Test
    void addTrackIsAudioAndMapsDtxToDisableDtx() throws Exception {
        LivekitRtc.AddTrackRequest on = roundTrip(SignalRequests.addAudioTrack("cid1", "phone",
                LivekitModels.TrackSource.MICROPHONE, true)).getAddTrack();
        assertEquals("cid1", on.getCid());
        assertEquals("phone", on.getName());
        assertEquals(LivekitModels.TrackType.AUDIO, on.getType());
        assertEquals(LivekitModels.TrackSource.MICROPHONE, on.getSource());
        assertFalse(on.getDisableDtx());
        assertTrue(roundTrip(SignalRequests.addAudioTrack("c", "n", LivekitModels.TrackSource.MICROPHONE, false))
                .getAddTrack().getDisableDtx());
    }

    @Test
    void updateAttributesLeavesNameAndMetadataUntouched() throws Exception {
        LivekitRtc.UpdateParticipantMetadata u =
                roundTrip(SignalRequests.updateAttributes(Map.of("sip.callStatus", "active"), 5)).getUpdateMetadata();
        assertEquals(Map.of("sip.callStatus", "active"), u.getAttributesMap());
        assertEquals(5, u.getRequestId());
        assertEquals("", u.getName());
        assertEquals("", u.getMetadata());
    }

    @Test
    void leaveIsClientInitiatedDisconnectAndPingCarriesTimes() throws Exception {
        LivekitRtc.LeaveRequest leave = roundTrip(SignalRequests.leave()).getLeave();
        assertEquals(LivekitModels.DisconnectReason.CLIENT_INITIATED, leave.getReason());
        assertEquals(LivekitRtc.LeaveRequest.Action.DISCONNECT, leave.getAction());
        LivekitRtc.Ping ping = roundTrip(SignalRequests.ping(1_700_000_000_000L, 12)).getPingReq();
        assertEquals(1_700_000_000_000L, ping.getTimestamp());
        assertEquals(12, ping.getRtt());
    }
}
