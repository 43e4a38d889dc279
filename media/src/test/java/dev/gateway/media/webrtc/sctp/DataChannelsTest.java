package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** DCEP between two associations in memory, as LiveKit uses it (LIVEKIT.md). */
class DataChannelsTest {

    /** Records what one side's DCEP listener saw. */
    private static final class Side implements DataChannels.Listener {
        final List<DataChannel> announced = new ArrayList<>();
        final List<DataChannel> opened = new ArrayList<>();
        final List<String> received = new ArrayList<>();
        final Deque<byte[]> inbox = new ArrayDeque<>();
        DataChannels channels;
        boolean established;
        String closed;

        @Override
        public void onEstablished() {
            established = true;
        }

        @Override
        public void onChannel(DataChannel channel) {
            announced.add(channel);
        }

        @Override
        public void onOpen(DataChannel channel) {
            opened.add(channel);
        }

        @Override
        public void onMessage(DataChannel channel, byte[] data, boolean text) {
            received.add(channel.label() + (text ? ":text:" : ":bin:") + new String(data, StandardCharsets.UTF_8));
        }

        @Override
        public void onClosed(String reason) {
            closed = reason;
        }
    }

    private final Side client = new Side();
    private final Side server = new Side();
    private long now = TimeUnit.SECONDS.toNanos(5);

    DataChannelsTest() {
        client.channels = DataChannels.create(true, (p, o, l) -> server.inbox.add(Arrays.copyOfRange(p, o, o + l)), client);
        server.channels = DataChannels.create(false, (p, o, l) -> client.inbox.add(Arrays.copyOfRange(p, o, o + l)), server);
    }

    private boolean runUntil(BooleanSupplier done) {
        for (int i = 0; i < 10_000 && !done.getAsBoolean(); i++) {
            now += TimeUnit.MILLISECONDS.toNanos(1);
            for (Side s : List.of(client, server)) {
                for (int n = s.inbox.size(); n > 0; n--) {
                    byte[] p = s.inbox.poll();
                    s.channels.association().onPacket(p, 0, p.length, now);
                }
                s.channels.association().tick(now);
            }
        }
        return done.getAsBoolean();
    }

    private void establish() {
        client.channels.association().start(now);
        server.channels.association().start(now);
        assertTrue(runUntil(() -> client.established && server.established));
    }

    @Test
    void clientOpensReliableAndLossyAndBothSidesSend() {
        establish();
        DataChannel reliable = client.channels.open("_reliable", true, -1);
        DataChannel lossy = client.channels.open("_lossy", false, 0);
        assertNotNull(reliable);
        assertEquals(0, reliable.streamId());
        assertEquals(2, lossy.streamId());
        assertEquals(DataChannel.State.CONNECTING, reliable.state());
        assertTrue(reliable.sendString("before ack")); // allowed before the ACK, sent ordered
        assertTrue(runUntil(() -> client.opened.size() == 2 && server.announced.size() == 2));

        assertEquals(List.of("_reliable", "_lossy"), server.announced.stream().map(DataChannel::label).toList());
        DataChannel serverLossy = server.announced.get(1);
        assertEquals(false, serverLossy.ordered());
        assertEquals(0, serverLossy.maxRetransmits());
        assertEquals(-1, server.announced.get(0).maxRetransmits());
        assertEquals(DataChannel.State.OPEN, reliable.state());

        assertTrue(lossy.send("bin".getBytes(StandardCharsets.UTF_8)));
        assertTrue(reliable.sendString(""));
        assertTrue(server.announced.get(0).sendString("hello back"));
        assertTrue(serverLossy.send(new byte[0]));
        assertTrue(runUntil(() -> server.received.size() == 3 && client.received.size() == 2));
        assertEquals(List.of("_reliable:text:before ack", "_lossy:bin:bin", "_reliable:text:"),
                server.received.stream().sorted((a, b) -> Integer.compare(order(a), order(b))).toList());
        assertTrue(client.received.containsAll(List.of("_reliable:text:hello back", "_lossy:bin:")));
    }

    private static int order(String s) {
        return s.startsWith("_reliable:text:before") ? 0 : s.startsWith("_lossy") ? 1 : 2;
    }

    @Test
    void serverOpensOddStreamsAsLiveKitDoesOnTheSubscriberPc() {
        establish();
        DataChannel reliable = server.channels.open("_reliable", true, -1);
        DataChannel lossy = server.channels.open("_lossy", false, 0);
        assertEquals(1, reliable.streamId());
        assertEquals(3, lossy.streamId());
        assertTrue(runUntil(() -> client.announced.size() == 2 && server.opened.size() == 2));
        assertTrue(reliable.sendString("from room"));
        assertTrue(runUntil(() -> client.received.size() == 1));
        assertEquals("_reliable:text:from room", client.received.get(0));
    }

    @Test
    void openBeforeEstablishedIsRefused() {
        assertEquals(null, client.channels.open("_reliable", true, -1));
    }

    @Test
    void closingTheAssociationClosesChannels() {
        establish();
        DataChannel reliable = client.channels.open("_reliable", true, -1);
        assertTrue(runUntil(() -> server.announced.size() == 1));
        client.channels.association().abort("bye");
        assertTrue(runUntil(() -> server.closed != null));
        assertEquals(DataChannel.State.CLOSED, reliable.state());
        assertEquals(DataChannel.State.CLOSED, server.announced.get(0).state());
        assertTrue(!reliable.sendString("late"));
    }
}
