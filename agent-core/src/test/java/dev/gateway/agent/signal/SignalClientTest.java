package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SignalClient} failure paths against {@link FakeSignalServer}. */
class SignalClientTest {

    private final OkHttpClient http = new OkHttpClient.Builder().build();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
        http.dispatcher().executorService().shutdown();
    }

    private static byte[] join(int pingIntervalS, int pingTimeoutS) {
        return SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder()
                .setRoom(LivekitModels.Room.newBuilder().setName("fake"))
                .setPingInterval(pingIntervalS).setPingTimeout(pingTimeoutS)).build().toByteArray();
    }

    @Test
    void unansweredPingsCloseWithPingTimeout() throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(List.of(join(1, 2)))) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(http, server.wsUrl(), "t", l, timers);
            client.connect();
            assertNotNull(l.await("join", Duration.ofSeconds(5)), () -> "events: " + l.all());
            RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(6));
            assertNotNull(closed, () -> "events: " + l.all());
            assertTrue(((String) closed.value()).startsWith("ping timeout"), (String) closed.value());
            Thread.sleep(300);
            assertEquals(1, l.all("closed").size(), "onClosed exactly once");
            assertFalse(client.sendAnswer("v=0"), "sends after close are dropped");
        }
    }

    @Test
    void refreshTokenReplacesTheCurrentToken() throws Exception {
        byte[] refresh = SignalResponse.newBuilder().setRefreshToken("new.token.x").build().toByteArray();
        try (FakeSignalServer server = new FakeSignalServer(List.of(join(0, 0), refresh))) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(http, server.wsUrl(), "old.token.x", l, timers);
            client.connect();
            assertNotNull(l.await("join", Duration.ofSeconds(5)));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!client.currentToken().equals("new.token.x") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("new.token.x", client.currentToken());
            client.close();
            assertNotNull(l.await("closed", Duration.ofSeconds(5)), "close ends with onClosed");
        }
    }

    @Test
    void undecodableFrameIsAProtocolError() throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(List.of(new byte[] {(byte) 0xff, 0x01, 0x02}))) {
            RecordingListener l = new RecordingListener();
            new SignalClient(http, server.wsUrl(), "t", l, timers).connect();
            RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
            assertNotNull(closed, () -> "events: " + l.all());
            assertTrue(((String) closed.value()).startsWith("protocol error"), (String) closed.value());
        }
    }

    @Test
    void unreachableServerClosesWithTheTransportError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RecordingListener l = new RecordingListener();
        new SignalClient(http, "ws://127.0.0.1:" + port, "t", l, timers).connect();
        RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
        assertNotNull(closed);
        assertTrue(((String) closed.value()).startsWith("signalling failed: ConnectException"),
                (String) closed.value());
    }

    @Test
    void connectTwiceIsRefused() throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(List.of(join(0, 0)))) {
            SignalClient client = new SignalClient(http, server.wsUrl(), "t", new RecordingListener(), timers);
            client.connect();
            assertThrows(IllegalStateException.class, client::connect);
            client.close();
        }
    }

    @Test
    void closeBeforeConnectEndsTheClient() throws Exception {
        RecordingListener l = new RecordingListener();
        SignalClient client = new SignalClient(http, "ws://127.0.0.1:9", "t", l, timers);
        client.close();
        assertEquals("closed before connect", l.await("closed", Duration.ZERO).value());
        assertThrows(IllegalStateException.class, client::connect);
        client.close();
        assertEquals(1, l.all("closed").size());
    }

    @Test
    void trackSubscribedReachesTheListener() throws Exception {
        byte[] subscribed = SignalResponse.newBuilder()
                .setTrackSubscribed(LivekitRtc.TrackSubscribed.newBuilder().setTrackSid("TR_abc")).build().toByteArray();
        try (FakeSignalServer server = new FakeSignalServer(List.of(join(0, 0), subscribed))) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(http, server.wsUrl(), "t", l, timers);
            client.connect();
            RecordingListener.Event e = l.await("trackSubscribed", Duration.ofSeconds(5));
            assertNotNull(e, () -> "events: " + l.all());
            assertEquals("TR_abc", e.value());
            client.close();
        }
    }
}
