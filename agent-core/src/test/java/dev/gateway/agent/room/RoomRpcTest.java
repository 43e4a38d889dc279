package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.TransferResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RoomRpcTest {
    private final RecordingLeg leg = new RecordingLeg();
    private final ManualLoop loop = new ManualLoop();
    private final FakeDataChannel channel = new FakeDataChannel(true);
    private final List<LivekitModels.DataPacket> sent = channel.sent;
    private final RoomRpc rpc = new RoomRpc("c-1", leg, loop, channel);

    private static byte[] request(String method, String payload) {
        return LivekitModels.DataPacket.newBuilder().setParticipantIdentity("agent")
                .setRpcRequest(LivekitModels.RpcRequest.newBuilder().setId("r1").setMethod(method).setPayload(payload)
                        .setResponseTimeoutMs(5000))
                .build().toByteArray();
    }

    private void assertAckThenResult(String payload) {
        assertEquals(2, sent.size());
        assertEquals("r1", sent.get(0).getRpcAck().getRequestId());
        assertEquals(List.of("agent"), sent.get(0).getDestinationIdentitiesList());
        assertEquals(payload, sent.get(1).getRpcResponse().getPayload());
    }

    private void assertError(int code, String message) {
        assertEquals(2, sent.size());
        LivekitModels.RpcError e = sent.get(1).getRpcResponse().getError();
        assertEquals(code, e.getCode());
        assertEquals(message, e.getMessage());
    }

    @Test
    void recordingActionsArePassedOnAndAnsweredWithTheState() {
        rpc.onRoomData(request("sip.recording", "{\"action\":\"pause\"}"));
        loop.runPending();
        assertAckThenResult("paused");
        sent.clear();
        rpc.onRoomData(request("sip.recording", "bad"));
        loop.runPending();
        assertError(RoomMessages.RPC_APPLICATION_ERROR, "action must be start, stop, pause or resume");
        assertEquals(List.of("pause", "bad"), leg.recordingActions);
    }

    @Test
    void hangup() {
        rpc.onRoomData(request("sip.hangup", ""));
        assertAckThenResult("ok");
        assertEquals(List.of("hangup requested by agent"), leg.hangups);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"123#|123#", "{\"digits\": \"*9\"}|*9", "  42 |42"})
    void dtmfPlaysDigitsFromEitherPayloadForm(String payload, String digits) {
        rpc.onRoomData(request("sip.dtmf", payload));
        assertAckThenResult("ok");
        assertEquals(List.of(digits), leg.dtmf);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"12x", "''", "{\"digits\": 5", "{\"to\": \"1\"}"})
    void badDigitsAreAnApplicationError(String payload) {
        rpc.onRoomData(request("sip.dtmf", payload));
        assertError(RoomMessages.RPC_APPLICATION_ERROR, "digits must be 0-9, *, #, A-D");
        assertTrue(leg.dtmf.isEmpty());
    }

    @Test
    void transferAnswersWhenTheOutcomeIsKnown() {
        CompletableFuture<TransferResult> outcome = new CompletableFuture<>();
        leg.transferOutcome = outcome;
        rpc.onRoomData(request("sip.transfer", "{\"to\": \"sip:desk@example.com\"}"));
        assertEquals(List.of("sip:desk@example.com"), leg.transfers);
        assertEquals(1, sent.size(), "only the ack until the REFER's outcome");
        outcome.complete(new TransferResult(true, 202, "accepted"));
        loop.runPending();
        assertAckThenResult("transferred");
    }

    @Test
    void failedTransferIsAnApplicationErrorWithTheSipStatus() {
        leg.transferOutcome = CompletableFuture.completedFuture(new TransferResult(false, 603, "declined"));
        rpc.onRoomData(request("sip.transfer", "tel:+15550003333"));
        loop.runPending();
        assertError(RoomMessages.RPC_APPLICATION_ERROR, "declined (SIP 603)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"http://example.com", "''", "{\"uri\": \"sip:a@b\"}", "not json {", "sip:a@b%0D%0A x"})
    void transferToANonSipTargetIsRefused(String payload) {
        rpc.onRoomData(request("sip.transfer", payload));
        assertEquals(2, sent.size());
        assertEquals(RoomMessages.RPC_APPLICATION_ERROR, sent.get(1).getRpcResponse().getError().getCode());
        assertTrue(sent.get(1).getRpcResponse().getError().getMessage().contains("transfer target"));
        assertTrue(leg.transfers.isEmpty());
    }

    @Test
    void unknownMethodIsUnsupported() {
        rpc.onRoomData(request("sip.mute", ""));
        assertError(RoomMessages.RPC_UNSUPPORTED_METHOD, "unsupported method sip.mute (sip.hangup, sip.transfer, sip.dtmf, sip.recording)");
    }

    @Test
    void dtmfPacketFromTheRoomIsPlayedToThePhone() {
        rpc.onRoomData(RoomMessages.dtmf("agent", '7').get(0));
        assertEquals(List.of("7"), leg.dtmf);
        assertTrue(sent.isEmpty());
    }

    @Test
    void malformedAndForeignPacketsAreIgnored() {
        rpc.onRoomData(new byte[] {(byte) 0xFF, 0x01, 0x02});
        rpc.onRoomData(RoomMessages.dtmf("agent", '1').get(1)); // the user-packet form is for agents, not the phone
        assertTrue(sent.isEmpty());
        assertTrue(leg.dtmf.isEmpty());
    }

    @Test
    void requestStillActsWhenTheReplyCannotBeSent() {
        channel.open = false;
        rpc.onRoomData(request("sip.hangup", ""));
        assertEquals(1, leg.hangups.size());
    }
}
