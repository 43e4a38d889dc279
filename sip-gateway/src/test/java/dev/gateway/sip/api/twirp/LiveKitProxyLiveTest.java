package dev.gateway.sip.api.twirp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.agent.signal.Tokens;
import dev.gateway.sip.store.SipStore;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomCreate;
import io.livekit.server.RoomList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import livekit.LivekitRoom.ListRoomsRequest;
import livekit.LivekitRoom.ListRoomsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Other LiveKit services go through the gateway's Twirp context to a real livekit-server 1.13.5. */
class LiveKitProxyLiveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static LiveKitServerProcess livekit;
    private static TwirpTestServer server;

    @BeforeAll
    static void start() throws Exception {
        livekit = LiveKitServerProcess.start();
        SipStore store = SipStore.open(dir, List.of(), List.of(), List.of(), Clock.systemUTC());
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
        server = new TwirpTestServer(new TwirpHandler(new AccessTokenVerifier(LiveKitServerProcess.API_KEY,
                LiveKitServerProcess.API_SECRET, Clock.systemUTC()), store, null,
                LiveKitProxy.to(livekit.wsUrl() + "/", client)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (livekit != null) {
            livekit.close();
        }
    }

    @Test
    void roomServiceCallsAreForwardedWithTheirToken() throws Exception {
        // Tokens builds participant tokens only; RoomCreate/RoomList come from the server SDK's AccessToken.
        AccessToken token = new AccessToken(LiveKitServerProcess.API_KEY, LiveKitServerProcess.API_SECRET);
        token.setIdentity("ops");
        token.addGrants(new RoomCreate(true), new RoomList(true));
        String jwt = token.toJwt();

        TwirpTestServer.Reply created = server.post("/twirp/livekit.RoomService/CreateRoom", jwt,
                TwirpTestServer.JSON, "{\"name\": \"proxied\", \"empty_timeout\": 60}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, created.status(), created.text());
        assertTrue(created.contentType().startsWith("application/json"), created.contentType());
        JsonNode room = JSON.readTree(created.body());
        assertEquals("proxied", room.get("name").asText());

        TwirpTestServer.Reply listed = server.post("/twirp/livekit.RoomService/ListRooms", jwt,
                TwirpTestServer.PROTOBUF, ListRoomsRequest.getDefaultInstance().toByteArray());
        assertEquals(200, listed.status(), listed.text());
        assertEquals("application/protobuf", listed.contentType());
        ListRoomsResponse rooms = ListRoomsResponse.parseFrom(listed.body());
        assertTrue(rooms.getRoomsList().stream().anyMatch(r -> r.getName().equals("proxied")), rooms.toString());
    }

    @Test
    void liveKitsOwnRefusalsAreRelayed() throws Exception {
        String noRoomList = new Tokens(LiveKitServerProcess.API_KEY, LiveKitServerProcess.API_SECRET)
                .participant("x", "r").toJwt();
        TwirpTestServer.Reply r = server.post("/twirp/livekit.RoomService/ListRooms", noRoomList,
                TwirpTestServer.JSON, "{}".getBytes(StandardCharsets.UTF_8));
        assertTrue(r.status() == 401 || r.status() == 403, r.status() + " " + r.text());
        assertTrue(r.text().contains("\"code\""), r.text());
    }

    @Test
    void sipStaysWithTheGateway() throws Exception {
        String admin = new Tokens(LiveKitServerProcess.API_KEY, LiveKitServerProcess.API_SECRET)
                .participant("x", "r").sip(false, true).toJwt();
        TwirpTestServer.Reply r = server.json("ListSIPInboundTrunk", admin, "{}");
        assertEquals(200, r.status(), r.text()); // LiveKit itself would answer "sip not connected"
    }
}
