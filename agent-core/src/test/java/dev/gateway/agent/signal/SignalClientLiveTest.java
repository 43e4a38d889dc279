package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SignalClient}, {@link Tokens} and {@link RoomApi} against a real livekit-server 1.13.5. */
class SignalClientLiveTest {

    @RegisterExtension
    static final LiveKitServerExtension SERVER = new LiveKitServerExtension();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CALLER = "+15550100";

    private static OkHttpClient http;
    private static SignalNetwork network;
    private static Tokens tokens;
    private static RoomApi api;
    private final List<SignalClient> clients = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        http = new OkHttpClient.Builder().build();
        network = new SignalNetwork().start();
        tokens = new Tokens(LiveKitServerExtension.API_KEY, LiveKitServerExtension.API_SECRET);
        api = new RoomApi(SERVER.wsUrl(), LiveKitServerExtension.API_KEY, LiveKitServerExtension.API_SECRET, http);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        network.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SignalClient::close);
    }

    private SignalClient join(String token, RecordingListener listener) {
        SignalClient client = new SignalClient(network, SERVER.wsUrl(), token, listener);
        clients.add(client);
        client.connect();
        return client;
    }

    private String phoneToken(String room) {
        return tokens.phone(CALLER, room).attributes(Map.of("sip.callStatus", "ringing")).toJwt();
    }

    private static LivekitRtc.JoinResponse awaitJoin(RecordingListener l) throws InterruptedException {
        RecordingListener.Event e = l.await("join", WAIT);
        assertNotNull(e, () -> "no join; events: " + l.all());
        return (LivekitRtc.JoinResponse) e.value();
    }

    @SuppressWarnings("unchecked")
    private static boolean updateHas(RecordingListener.Event e, String identity, String key, String value) {
        for (LivekitModels.ParticipantInfo p : (List<LivekitModels.ParticipantInfo>) e.value()) {
            if (p.getIdentity().equals(identity) && (key == null || value.equals(p.getAttributesMap().get(key)))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void phoneParticipantJoinsWithKindSipAndAttributes() throws Exception {
        RecordingListener phone = new RecordingListener();
        join(phoneToken("t1"), phone);
        LivekitRtc.JoinResponse join = awaitJoin(phone);

        assertEquals("t1", join.getRoom().getName());
        assertEquals("sip_" + CALLER, join.getParticipant().getIdentity());
        assertEquals("Phone " + CALLER, join.getParticipant().getName());
        assertEquals(LivekitModels.ParticipantInfo.Kind.SIP, join.getParticipant().getKind());
        assertEquals("ringing", join.getParticipant().getAttributesMap().get("sip.callStatus"));

        // Facts for the WebRTC side: what the server says at join and whether it offers right away.
        RecordingListener.Event offer = phone.await("offer", Duration.ofSeconds(3));
        System.out.println("[join] server_version=" + join.getServerVersion()
                + " ping_interval=" + join.getPingInterval() + "s ping_timeout=" + join.getPingTimeout() + "s"
                + " subscriber_primary=" + join.getSubscriberPrimary() + " fast_publish=" + join.getFastPublish()
                + " ice_servers=" + join.getIceServersList()
                + " server_info={" + join.getServerInfo().toString().replace('\n', ' ') + "}"
                + " client_configuration={" + join.getClientConfiguration().toString().replace('\n', ' ') + "}"
                + " enabled_publish_codecs=" + join.getEnabledPublishCodecsList().stream()
                .map(LivekitModels.Codec::getMime).toList()
                + " room={" + join.getRoom().toString().replace('\n', ' ') + "}");
        System.out.println("[join] subscriber offer after join: "
                + (offer == null ? "none within 3 s" : "\n" + offer.value()));
        phone.all("trickle").forEach(t -> System.out.println("[join] trickle " + t.extra() + " " + t.value()));
        phone.all("other").forEach(o -> System.out.println("[join] other "
                + ((LivekitRtc.SignalResponse) o.value()).getMessageCase()));
    }

    @Test
    void secondParticipantAppearsInFirstParticipantsUpdates() throws Exception {
        RecordingListener phone = new RecordingListener();
        join(phoneToken("t2"), phone);
        awaitJoin(phone);
        RecordingListener agent = new RecordingListener();
        join(tokens.participant("agent-1", "t2").name("Agent").toJwt(), agent);
        LivekitRtc.JoinResponse agentJoin = awaitJoin(agent);

        assertTrue(agentJoin.getOtherParticipantsList().stream()
                .anyMatch(p -> p.getIdentity().equals("sip_" + CALLER)), "agent sees the phone at join");
        assertNotNull(phone.await("update", e -> updateHas(e, "agent-1", null, null), WAIT),
                () -> "phone never saw agent-1; events: " + phone.all());
    }

    @Test
    void attributeUpdateReachesOthersAndTheRoomApi() throws Exception {
        RecordingListener phone = new RecordingListener();
        SignalClient phoneClient = join(phoneToken("t3"), phone);
        awaitJoin(phone);
        RecordingListener agent = new RecordingListener();
        join(tokens.participant("agent-1", "t3").toJwt(), agent);
        awaitJoin(agent);

        assertTrue(phoneClient.updateAttributes(Map.of("sip.callStatus", "active")));

        assertNotNull(agent.await("update", e -> updateHas(e, "sip_" + CALLER, "sip.callStatus", "active"), WAIT),
                () -> "agent never saw sip.callStatus=active; events: " + agent.all());
        LivekitModels.ParticipantInfo listed = api.listParticipants("t3").stream()
                .filter(p -> p.getIdentity().equals("sip_" + CALLER)).findFirst().orElseThrow();
        assertEquals(LivekitModels.ParticipantInfo.Kind.SIP, listed.getKind());
        assertEquals("active", listed.getAttributesMap().get("sip.callStatus"));
    }

    @Test
    void deletingTheRoomEndsBothParticipants() throws Exception {
        RecordingListener phone = new RecordingListener();
        join(phoneToken("t4"), phone);
        awaitJoin(phone);
        RecordingListener agent = new RecordingListener();
        join(tokens.participant("agent-1", "t4").toJwt(), agent);
        awaitJoin(agent);

        long start = System.nanoTime();
        api.deleteRoom("t4");

        for (RecordingListener l : List.of(phone, agent)) {
            RecordingListener.Event leave = l.await("leave", Duration.ofSeconds(5));
            RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
            assertTrue(leave != null || closed != null, () -> "no leave/closed; events: " + l.all());
            if (leave != null) {
                LivekitRtc.LeaveRequest req = (LivekitRtc.LeaveRequest) leave.value();
                System.out.println("[delete] leave reason=" + req.getReason() + " action=" + req.getAction()
                        + " can_reconnect=" + req.getCanReconnect() + "; closed: "
                        + (closed == null ? "-" : closed.value()));
                assertEquals(LivekitModels.DisconnectReason.ROOM_DELETED, req.getReason());
            }
        }
        System.out.println("[delete] both ended within " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Test
    void badTokenClosesWithHttpStatus() throws Exception {
        RecordingListener l = new RecordingListener();
        String forged = new Tokens(LiveKitServerExtension.API_KEY, "not-the-secret").phone(CALLER, "t5").toJwt();
        join(forged, l);
        RecordingListener.Event closed = l.await("closed", WAIT);
        assertNotNull(closed, () -> "no onClosed; events: " + l.all());
        String reason = (String) closed.value();
        System.out.println("[bad token] " + reason);
        assertTrue(reason.startsWith("HTTP 401"), reason);
        assertFalse(reason.contains(forged), "the token must not leak into the reason");
        assertNull(l.await("join", Duration.ZERO));
    }

    @Test
    void pingsKeepTheConnectionAlive() throws Exception {
        RecordingListener l = new RecordingListener();
        SignalClient client = join(phoneToken("t6"), l);
        LivekitRtc.JoinResponse join = awaitJoin(l);
        long waitS = Math.max(12, 2L * join.getPingInterval() + 2);
        Thread.sleep(waitS * 1000);
        assertNull(l.await("closed", Duration.ZERO), () -> "closed: " + l.all("closed"));
        assertTrue(client.pongs() >= 2, "pongs: " + client.pongs());
        System.out.println("[ping] after " + waitS + " s: pongs=" + client.pongs() + " rtt=" + client.rttMs() + " ms");
    }

    @Test
    void addTrackWithoutAnOfferGetsTrackPublished() throws Exception {
        RecordingListener l = new RecordingListener();
        SignalClient client = join(phoneToken("t7"), l);
        awaitJoin(l);
        assertTrue(client.addTrack("phone-audio-1", "phone", LivekitModels.TrackSource.MICROPHONE, true));
        RecordingListener.Event published = l.await("trackPublished", WAIT);
        assertNotNull(published, () -> "no track_published; events: " + l.all());
        assertEquals("phone-audio-1", published.value());
        LivekitModels.TrackInfo track = (LivekitModels.TrackInfo) published.extra();
        System.out.println("[add_track] track_published " + track.toString().replace('\n', ' '));
        assertEquals(LivekitModels.TrackType.AUDIO, track.getType());
        assertEquals(LivekitModels.TrackSource.MICROPHONE, track.getSource());
    }

    @Test
    void leaveRemovesTheParticipantAndEndsWithOnClosed() throws Exception {
        RecordingListener phone = new RecordingListener();
        SignalClient phoneClient = join(phoneToken("t8"), phone);
        awaitJoin(phone);
        RecordingListener agent = new RecordingListener();
        join(tokens.participant("agent-1", "t8").toJwt(), agent);
        awaitJoin(agent);

        phoneClient.leave();

        assertNotNull(phone.await("closed", Duration.ofSeconds(5)), () -> "no onClosed; " + phone.all());
        assertEquals(1, phone.all("closed").size());
        assertNotNull(agent.await("update", e -> disconnected(e, "sip_" + CALLER), WAIT),
                () -> "agent never saw the phone leave; events: " + agent.all());
        System.out.println("[leave] phone closed: " + phone.all("closed").get(0).value());
    }

    @SuppressWarnings("unchecked")
    private static boolean disconnected(RecordingListener.Event e, String identity) {
        return ((List<LivekitModels.ParticipantInfo>) e.value()).stream().anyMatch(p ->
                p.getIdentity().equals(identity) && p.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED);
    }
}
