package dev.gateway.agent.room;

import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One WebRTC connection to the room (publisher or subscriber) as the room parts drive it: the signalling-facing
 * part of {@link PeerTransport}, so links can be tested with a fake. Events arrive on the
 * {@link PeerTransport.Listener} given to {@link Opener#open}.
 *
 * <p>Threading: loop-confined, like the transport behind it.
 */
interface RoomTransport {
    String iceUfrag();

    String icePwd();

    /** Our one host candidate line. */
    String localCandidate();

    void setRemote(WebRtcDescription remote);

    void addRemoteCandidate(String candidate);

    void openDataChannelsWhenReady(List<PeerTransport.DataChannelSpec> specs);

    /** Queues {@code message} on data channel {@code label}; false when it is not open. */
    boolean sendData(String label, byte[] message);

    /** True while sent data waits for the peer's acknowledgement. */
    boolean dataPending();

    void close();

    /** The media transport behind this connection, for the audio path only; null for a fake in tests. */
    PeerTransport media();

    /** When the server was last heard from on this connection, media clock ns; {@link Long#MIN_VALUE} if never. */
    default long lastHeardNanos() {
        PeerTransport media = media();
        return media == null ? Long.MIN_VALUE : media.lastHeardNanos();
    }

    /** The connection we offer (CONTROLLING ICE, DTLS server) or the one we answer (CONTROLLED, DTLS client). */
    enum Side { PUBLISHER, SUBSCRIBER }

    /** Opens connections for one call; each completes on the call's loop. */
    interface Opener {
        CompletableFuture<RoomTransport> open(Side side, PeerTransport.Listener listener, String name);
    }

    /** Wraps a real transport. */
    static RoomTransport of(PeerTransport t) {
        return new RoomTransport() {
            @Override public String iceUfrag() { return t.iceUfrag(); }
            @Override public String icePwd() { return t.icePwd(); }
            @Override public String localCandidate() { return t.localCandidate(); }
            @Override public void setRemote(WebRtcDescription remote) { t.setRemote(remote); }
            @Override public void addRemoteCandidate(String candidate) { t.addRemoteCandidate(candidate); }
            @Override public void openDataChannelsWhenReady(List<PeerTransport.DataChannelSpec> specs) {
                t.openDataChannelsWhenReady(specs);
            }
            @Override public boolean sendData(String label, byte[] message) { return t.sendData(label, message); }
            @Override public boolean dataPending() { return t.dataPending(); }
            @Override public void close() { t.close(); }
            @Override public PeerTransport media() { return t; }
        };
    }
}
