package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SignalClient} failure paths against {@link FakeSignalServer}. */
class SignalClientTest {

    private final SignalNetwork network = new SignalNetwork().start();

    @AfterEach
    void tearDown() {
        network.stop();
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
            SignalClient client = new SignalClient(network, server.wsUrl(), "t", l);
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
            SignalClient client = new SignalClient(network, server.wsUrl(), "old.token.x", l);
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
            new SignalClient(network, server.wsUrl(), "t", l).connect();
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
        new SignalClient(network, "ws://127.0.0.1:" + port, "t", l).connect();
        RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
        assertNotNull(closed);
        assertTrue(((String) closed.value()).startsWith("signalling failed: ConnectException"),
                (String) closed.value());
    }

    @Test
    void connectTwiceIsRefused() throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(List.of(join(0, 0)))) {
            SignalClient client = new SignalClient(network, server.wsUrl(), "t", new RecordingListener());
            client.connect();
            assertThrows(IllegalStateException.class, client::connect);
            client.close();
        }
    }

    @Test
    void closeBeforeConnectEndsTheClient() throws Exception {
        RecordingListener l = new RecordingListener();
        SignalClient client = new SignalClient(network, "ws://127.0.0.1:9", "t", l);
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
            SignalClient client = new SignalClient(network, server.wsUrl(), "t", l);
            client.connect();
            RecordingListener.Event e = l.await("trackSubscribed", Duration.ofSeconds(5));
            assertNotNull(e, () -> "events: " + l.all());
            assertEquals("TR_abc", e.value());
            client.close();
        }
    }

    @Test
    void refusedUpgradeClosesWithStatusAndMaskedBody() throws Exception {
        try (FakeSignalServer server = FakeSignalServer.refusing("401 Unauthorized",
                "invalid token: old.token.x, error: go-jose/go-jose: error in cryptographic primitive\n")) {
            RecordingListener l = new RecordingListener();
            new SignalClient(network, server.wsUrl(), "old.token.x", l).connect();
            RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
            assertNotNull(closed, () -> "events: " + l.all());
            assertEquals("HTTP 401 Unauthorized: invalid token: <token>, error: go-jose/go-jose: error in "
                    + "cryptographic primitive", closed.value());
        }
    }

    @Test
    void fragmentedJoinIsReassembled() throws Exception {
        // a join listing 200 participants: about 20 KB, sent in 4 KB fragments as gorilla/websocket writes
        LivekitRtc.JoinResponse.Builder join = LivekitRtc.JoinResponse.newBuilder()
                .setRoom(LivekitModels.Room.newBuilder().setName("big"));
        for (int i = 0; i < 200; i++) {
            join.addOtherParticipants(LivekitModels.ParticipantInfo.newBuilder().setIdentity("p" + i)
                    .setSid("PA_" + "x".repeat(90) + i));
        }
        byte[] message = SignalResponse.newBuilder().setJoin(join).build().toByteArray();
        assertTrue(message.length > 16_384, "message of " + message.length + " bytes");
        try (FakeSignalServer server = FakeSignalServer.fragmenting(List.of(message), 4096)) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(network, server.wsUrl(), "t", l);
            client.connect();
            RecordingListener.Event e = l.await("join", Duration.ofSeconds(5));
            assertNotNull(e, () -> "events: " + l.all());
            assertEquals(200, ((LivekitRtc.JoinResponse) e.value()).getOtherParticipantsCount());
            client.close();
        }
    }

    @Test
    void messageOverTheLimitFailsTheConnection() throws Exception {
        byte[] huge = SignalResponse.newBuilder().setRefreshToken("x".repeat(SignalClient.MAX_MESSAGE_BYTES + 1))
                .build().toByteArray();
        try (FakeSignalServer server = FakeSignalServer.fragmenting(List.of(join(0, 0), huge), 65_536)) {
            RecordingListener l = new RecordingListener();
            new SignalClient(network, server.wsUrl(), "t", l).connect();
            RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(10));
            assertNotNull(closed, () -> "events: " + l.all());
            assertTrue(((String) closed.value()).startsWith("signalling failed: TooLongFrameException"),
                    (String) closed.value());
            assertEquals(1, l.all("join").size());
        }
    }

    @Test
    void serverThatStopsReadingEndsTheConnectionInsteadOfQueueing() throws Exception {
        try (FakeSignalServer server = FakeSignalServer.deaf(List.of(join(0, 0)))) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(network, server.wsUrl(), "t", l);
            client.connect();
            assertNotNull(l.await("join", Duration.ofSeconds(5)), () -> "events: " + l.all());
            Map<String, String> big = Map.of("blob", "y".repeat(64 << 10));
            int accepted = 0;
            // the kernel's socket buffers take a few MB, then our queue passes its high-water mark
            while (client.updateAttributes(big) && accepted < 4096) {
                accepted++;
            }
            RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(10));
            int sent = accepted;
            assertNotNull(closed, () -> "still open after " + sent + " sends");
            assertTrue(((String) closed.value()).startsWith("signalling stalled"), (String) closed.value());
            assertFalse(client.updateAttributes(big), "sends after the stall are refused");
        }
    }

    @Test
    void closeDuringTheUpgradeSaysClosedByClient() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(network, "ws://127.0.0.1:" + silent.getLocalPort(), "t", l);
            client.connect();
            try (java.net.Socket accepted = silent.accept()) { // connected; the upgrade request gets no answer
                assertTrue(upgradeRequestRead(accepted), "the upgrade request arrives");
                client.close();
                RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
                assertNotNull(closed, () -> "events: " + l.all());
                assertEquals("closed by client", closed.value());
                bytesUntilClosed(accepted); // the socket is closed (a SocketTimeoutException if not within 5 s)
            }
            assertEquals(1, l.all("closed").size());
        }
    }

    /** Reads up to the end of the HTTP request head (blank line); false if the peer closes first. */
    private static boolean upgradeRequestRead(java.net.Socket s) throws java.io.IOException {
        s.setSoTimeout(5000);
        StringBuilder head = new StringBuilder();
        for (int b; (b = s.getInputStream().read()) >= 0; ) {
            head.append((char) b);
            if (head.toString().endsWith("\r\n\r\n")) {
                return true;
            }
        }
        return false;
    }

    /** Bytes read until the peer closes (a SocketTimeoutException if it does not within 5 s). */
    private static int bytesUntilClosed(java.net.Socket s) throws java.io.IOException {
        s.setSoTimeout(5000);
        byte[] buf = new byte[4096];
        int total = 0;
        for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }

    @Test
    void connectAfterTheNetworkStoppedEndsWithAReason() throws Exception {
        SignalNetwork stopped = new SignalNetwork().start();
        stopped.stop();
        RecordingListener l = new RecordingListener();
        new SignalClient(stopped, "ws://127.0.0.1:9", "t", l).connect();
        RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(5));
        assertNotNull(closed, () -> "events: " + l.all());
        assertTrue(((String) closed.value()).startsWith("signalling failed: IllegalStateException"),
                (String) closed.value());
    }
}
