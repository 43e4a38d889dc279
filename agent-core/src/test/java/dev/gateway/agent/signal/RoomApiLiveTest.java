package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import livekit.LivekitAgentDispatch;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RoomApi} and the {@code roomConfig} claim of {@link Tokens} against a real livekit-server 1.13.5. */
class RoomApiLiveTest {

    @RegisterExtension
    static final LiveKitServerExtension SERVER = new LiveKitServerExtension();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static OkHttpClient http;
    private static SignalNetwork network;
    private static Tokens tokens;
    private static RoomApi api;

    @BeforeAll
    static void setUp() {
        http = new OkHttpClient.Builder().build();
        network = new SignalNetwork().start();
        tokens = new Tokens(LiveKitServerExtension.API_KEY, LiveKitServerExtension.API_SECRET);
        api = new RoomApi(SERVER.wsUrl(), LiveKitServerExtension.API_KEY, LiveKitServerExtension.API_SECRET, http);
    }

    @AfterAll
    static void tearDown() {
        network.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void createsRoomWithMetadataAndDispatchesAnAgent() throws Exception {
        LivekitModels.Room room = api.createRoom("r1", 60, "{\"call\":\"c1\"}");
        assertEquals("r1", room.getName());
        assertEquals(60, room.getEmptyTimeout());
        assertEquals("{\"call\":\"c1\"}", room.getMetadata());

        LivekitAgentDispatch.AgentDispatch dispatch = api.createDispatch("r1", "phone-agent", "{\"lang\":\"en\"}");
        assertEquals("phone-agent", dispatch.getAgentName());
        assertEquals("r1", dispatch.getRoom());
        assertEquals("{\"lang\":\"en\"}", dispatch.getMetadata());
        api.deleteRoom("r1");
    }

    @Test
    void removeParticipantSendsLeaveWithParticipantRemoved() throws Exception {
        RecordingListener l = new RecordingListener();
        SignalClient client = new SignalClient(network, SERVER.wsUrl(),
                tokens.phone("+15550199", "r2").toJwt(), l);
        client.connect();
        assertNotNull(l.await("join", WAIT), () -> "no join: " + l.all());

        api.removeParticipant("r2", "sip_+15550199");

        RecordingListener.Event leave = l.await("leave", WAIT);
        assertNotNull(leave, () -> "no leave: " + l.all());
        assertEquals(LivekitModels.DisconnectReason.PARTICIPANT_REMOVED,
                ((LivekitRtc.LeaveRequest) leave.value()).getReason());
        assertNotNull(l.await("closed", WAIT));
        client.close();
    }

    @Test
    void failuresCarryHttpStatusAndServerText() {
        LiveKitApiException e = assertThrows(LiveKitApiException.class,
                () -> api.removeParticipant("no-such-room", "nobody"));
        System.out.println("[api error] " + e.getMessage());
        assertTrue(e.httpStatus() >= 400 && e.httpStatus() < 500, e.getMessage());
        assertTrue(e.operation().contains("no-such-room"));

        RoomApi wrongSecret = new RoomApi(SERVER.wsUrl(), LiveKitServerExtension.API_KEY, "wrong", http);
        LiveKitApiException auth = assertThrows(LiveKitApiException.class, () -> wrongSecret.listParticipants("x"));
        assertEquals(401, auth.httpStatus(), auth.getMessage());
    }

    @Test
    void tokenWithRoomConfigAgentsIsAcceptedAndCreatesTheRoom() throws Exception {
        RecordingListener l = new RecordingListener();
        String token = tokens.phone("+15550142", "r3").agent("phone-agent", "{\"from\":\"+15550142\"}").toJwt();
        SignalClient client = new SignalClient(network, SERVER.wsUrl(), token, l);
        client.connect();
        RecordingListener.Event join = l.await("join", WAIT);
        assertNotNull(join, () -> "no join: " + l.all());
        assertEquals("r3", ((LivekitRtc.JoinResponse) join.value()).getRoom().getName());
        var dispatches = api.listDispatches("r3");
        assertTrue(dispatches.stream().anyMatch(d -> d.getAgentName().equals("phone-agent")
                && d.getMetadata().equals("{\"from\":\"+15550142\"}")), () -> "dispatches: " + dispatches);
        client.leave();
        assertNotNull(l.await("closed", WAIT));
    }
}
