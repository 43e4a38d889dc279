package dev.gateway.agent.room;

import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Opens {@link Fake} transports at once and keeps each side's listener so a test can play the connection. */
final class FakeTransports implements RoomTransport.Opener {
    final Map<RoomTransport.Side, PeerTransport.Listener> listeners = new EnumMap<>(RoomTransport.Side.class);
    final Map<RoomTransport.Side, Fake> opened = new EnumMap<>(RoomTransport.Side.class);
    int opens;
    /** When set, opening fails with this message. */
    String failWith;

    @Override
    public CompletableFuture<RoomTransport> open(RoomTransport.Side side, PeerTransport.Listener listener, String name) {
        opens++;
        if (failWith != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(failWith));
        }
        Fake t = new Fake();
        listeners.put(side, listener);
        opened.put(side, t);
        return CompletableFuture.completedFuture(t);
    }

    Fake publisher() {
        return opened.get(RoomTransport.Side.PUBLISHER);
    }

    Fake subscriber() {
        return opened.get(RoomTransport.Side.SUBSCRIBER);
    }

    PeerTransport.Listener publisherEvents() {
        return listeners.get(RoomTransport.Side.PUBLISHER);
    }

    PeerTransport.Listener subscriberEvents() {
        return listeners.get(RoomTransport.Side.SUBSCRIBER);
    }

    /** A connection that records what it is asked to do. */
    static final class Fake implements RoomTransport {
        final List<String> candidates = new ArrayList<>();
        final List<byte[]> reliable = new ArrayList<>();
        final List<String> channels = new ArrayList<>();
        WebRtcDescription remote;
        boolean dataOpen;
        boolean dataPending;
        boolean closed;

        @Override public String iceUfrag() { return "ufrag"; }
        @Override public String icePwd() { return "passwordpasswordpassword"; }
        @Override public String localCandidate() { return "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"; }
        @Override public void setRemote(WebRtcDescription remote) { this.remote = remote; }
        @Override public void addRemoteCandidate(String candidate) { candidates.add(candidate); }

        @Override
        public void openDataChannelsWhenReady(List<PeerTransport.DataChannelSpec> specs) {
            specs.forEach(s -> channels.add(s.label()));
        }

        @Override
        public boolean sendData(String label, byte[] message) {
            if (!dataOpen) {
                return false;
            }
            reliable.add(message);
            return true;
        }

        @Override public boolean dataPending() { return dataPending; }
        @Override public void close() { closed = true; }
        @Override public PeerTransport media() { return null; }
    }
}
