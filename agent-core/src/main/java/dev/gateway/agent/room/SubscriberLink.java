package dev.gateway.agent.room;

import dev.gateway.agent.signal.SignalSession;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcException;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The connection the room sends to: answers the server's subscriber offers, holds remote candidates that arrive
 * before the transport exists, passes the room's RTP to {@link RoomAudio} and its data packets to the call.
 *
 * <p>Threading: loop-confined.
 */
final class SubscriberLink {
    private static final System.Logger LOG = System.getLogger("room");

    /** What the link reports to its call. */
    interface Events {
        /** The connection could not be set up (unreadable offer, no socket). */
        void onSubscriberFailed(String reason);

        /** The connection was lost (ICE or DTLS failed). */
        void onSubscriberLost(String reason);

        /** One data channel message from the room. */
        void onRoomData(byte[] message);
    }

    private final String callId;
    private final RoomTransport.Opener opener;
    private final SignalSession signal;
    private final RoomAudio audio;
    private final Events events;
    private final List<String> pendingCandidates = new ArrayList<>();
    private CompletableFuture<RoomTransport> opening;
    private RoomTransport transport;
    private boolean closed;

    SubscriberLink(String callId, RoomTransport.Opener opener, SignalSession signal, RoomAudio audio, Events events) {
        this.callId = callId;
        this.opener = opener;
        this.signal = signal;
        this.audio = audio;
        this.events = events;
    }

    /** A subscriber offer from the server (first one opens the connection; later ones renegotiate it). */
    void onOffer(String sdp) {
        if (closed) {
            return;
        }
        WebRtcDescription offer;
        try {
            offer = WebRtcDescription.parse(sdp);
        } catch (WebRtcException e) {
            events.onSubscriberFailed("subscriber offer unreadable: " + e.getMessage());
            return;
        }
        WebRtcDescription.Section section = offer.firstOf("audio");
        if (section != null && section.opusPayloadType() >= 0) {
            audio.roomPayloadType(section.opusPayloadType());
        }
        if (opening == null) {
            opening = opener.open(RoomTransport.Side.SUBSCRIBER, new Listener(), callId + "/subscriber");
        }
        opening.whenComplete((t, error) -> {
            if (error != null) {
                events.onSubscriberFailed("subscriber transport: " + error.getMessage());
                return;
            }
            if (closed) {
                return; // close() closes it
            }
            transport = t;
            signal.sendAnswer(WebRtcSdpWriter.subscriberAnswer(PublisherLink.local(t), offer));
            t.setRemote(offer);
            pendingCandidates.forEach(t::addRemoteCandidate);
            pendingCandidates.clear();
        });
    }

    /** A remote candidate for this connection; held until the transport exists. */
    void addCandidate(String candidate) {
        if (transport != null) {
            transport.addRemoteCandidate(candidate);
        } else if (!closed) {
            pendingCandidates.add(candidate);
        }
    }

    /** When the server was last heard from on this connection (media clock ns); {@link Long#MIN_VALUE} if never. */
    long lastHeardNanos() {
        return transport == null ? Long.MIN_VALUE : transport.lastHeardNanos();
    }

    /** Candidates waiting for the transport (tests). */
    int pendingCandidates() {
        return pendingCandidates.size();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        pendingCandidates.clear();
        if (opening != null) {
            opening.thenAccept(RoomTransport::close);
        }
    }

    private final class Listener implements PeerTransport.Listener {
        @Override
        public void onReady() {
            LOG.log(System.Logger.Level.INFO, "[" + callId + "] subscriber connection up");
        }

        @Override
        public void onFailed(String reason) {
            events.onSubscriberLost("subscriber connection: " + reason);
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
            audio.onRoomRtp(packet, header);
        }

        @Override
        public void onData(String label, byte[] data) {
            events.onRoomData(data);
        }
    }
}
