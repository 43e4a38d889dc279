package dev.gateway.agent.room;

import dev.gateway.agent.signal.SignalSession;
import dev.gateway.media.rtcp.RtcpCodec;
import dev.gateway.media.rtcp.RtcpVisitor;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcException;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import dev.gateway.media.webrtc.dtls.DtlsCertificate;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import livekit.LivekitModels;

/**
 * The connection that carries the caller into the room: opens the publisher transport once joined, announces the
 * caller's microphone track (AddTrack -> TrackPublished -> our offer -> the server's answer), opens the
 * {@code _reliable} and {@code _lossy} data channels, answers the room's NACKs from the uplink's history, and
 * reports when the call may be answered: the connection carries media and the reliable data channel is open (or
 * {@link #DATA_CHANNEL_GRACE_MILLIS} has passed since the media was up, so no caller waits on data channels alone).
 *
 * <p>Threading: loop-confined.
 */
final class PublisherLink {
    /** How long a ready publisher may wait for its data channel before the call is reported ready anyway. */
    static final long DATA_CHANNEL_GRACE_MILLIS = 2000;
    static final String RELIABLE = "_reliable";
    private static final System.Logger LOG = System.getLogger("room");

    /** What the link reports to its call. */
    interface Events {
        /** Media is up: the room's join deadline no longer applies. */
        void onPublisherConnected();

        /** The call may be answered as far as the publisher goes; {@code warning} is null when all is open. */
        void onPublisherReady(String warning);

        /** The link cannot carry the call. */
        void onPublisherFailed(String reason);
    }

    private final String callId;
    private final String roomName;
    private final String trackCid = "TR_phone_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final RoomTransport.Opener opener;
    private final SignalSession signal;
    private final RoomAudio audio;
    private final CallLoop loop;
    private final Events events;
    private final RtcpVisitor nacks = new RtcpVisitor() {
        @Override
        public void onNack(long senderSsrc, long mediaSsrc, int pid, int blp) {
            audio.onNack(mediaSsrc, pid, blp);
        }
    };
    private RoomTransport transport;
    private boolean opening;
    private boolean connected;
    private boolean reliableOpen;
    private boolean reported;
    private boolean closed;

    PublisherLink(String callId, String roomName, RoomTransport.Opener opener, SignalSession signal, RoomAudio audio,
                  CallLoop loop, Events events) {
        this.callId = callId;
        this.roomName = roomName;
        this.opener = opener;
        this.signal = signal;
        this.audio = audio;
        this.loop = loop;
        this.events = events;
    }

    /** After the join: opens the connection, then asks the room to publish the caller's track. */
    void open() {
        if (opening || closed) {
            return;
        }
        opening = true;
        opener.open(RoomTransport.Side.PUBLISHER, new Listener(), callId + "/publisher").whenComplete((t, error) -> {
            if (error != null) {
                events.onPublisherFailed("publisher transport: " + error.getMessage());
                return;
            }
            if (closed) {
                t.close();
                return;
            }
            transport = t;
            t.openDataChannelsWhenReady(List.of(new PeerTransport.DataChannelSpec(RELIABLE, true, -1),
                    new PeerTransport.DataChannelSpec("_lossy", false, 0)));
            audio.openUplink();
            audio.attachPublisher(t.media());
            signal.addTrack(trackCid, "phone", LivekitModels.TrackSource.MICROPHONE, false);
        });
    }

    /** The client id of the caller's track in our AddTrack request. */
    String trackCid() {
        return trackCid;
    }

    /** The server accepted a track: if it is ours, offer the connection that carries it. */
    boolean onTrackPublished(String cid) {
        if (!cid.equals(trackCid) || transport == null) {
            return false;
        }
        signal.sendOffer(WebRtcSdpWriter.publisherOffer(local(transport), audio.openUplink(), "gw-" + callId,
                "phone-" + callId, trackCid, audio.uplinkOffer()));
        return true;
    }

    /**
     * The server's answer to our offer: it picks what the caller's track is sent as (one log line says which); an
     * answer that accepts none of what we offered fails the call with the reason.
     */
    void onAnswer(String sdp) {
        if (transport == null) {
            return;
        }
        WebRtcDescription answer;
        try {
            answer = WebRtcDescription.parse(sdp);
        } catch (WebRtcException e) {
            events.onPublisherFailed("publisher answer unreadable: " + e.getMessage());
            return;
        }
        UplinkFormat format = audio.startUplink(answer.firstOf("audio"));
        if (format == null) {
            events.onPublisherFailed(audio.uplinkRefused());
            return;
        }
        log("publishing the caller's track as " + format.describe() + " (" + audio.uplinkPolicy() + ")");
        transport.setRemote(answer);
    }

    /** A remote candidate for this connection (ignored before the transport exists: the answer carries them too). */
    void addCandidate(String candidate) {
        if (transport != null) {
            transport.addRemoteCandidate(candidate);
        }
    }

    /** Sends one packet on the reliable data channel; false when it is not open (or there is no connection). */
    boolean sendReliable(byte[] packet) {
        return transport != null && transport.sendData(RELIABLE, packet);
    }

    /** True while something sent on a data channel waits for the room's acknowledgement. */
    boolean dataPending() {
        return transport != null && transport.dataPending();
    }

    void close() {
        closed = true;
        if (transport != null) {
            transport.close();
        }
    }

    private void reportReady(String warning) {
        if (reported || closed || !connected) {
            return;
        }
        reported = true;
        if (warning != null) {
            log(warning + ": answering anyway (DTMF and RPC wait for it)");
        }
        events.onPublisherReady(warning);
    }

    static WebRtcSdpWriter.Local local(RoomTransport t) {
        return new WebRtcSdpWriter.Local(t.iceUfrag(), t.icePwd(), DtlsCertificate.shared().sha256Fingerprint(),
                t.localCandidate(), ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    private void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + callId + "] " + event);
    }

    private final class Listener implements PeerTransport.Listener {
        @Override
        public void onReady() {
            if (connected || closed) {
                return;
            }
            connected = true;
            log("caller's track published in " + roomName);
            events.onPublisherConnected();
            if (reliableOpen) {
                reportReady(null);
                return;
            }
            loop.schedule(() -> reportReady("data channel not open after " + DATA_CHANNEL_GRACE_MILLIS + " ms"),
                    DATA_CHANNEL_GRACE_MILLIS);
        }

        @Override
        public void onDataChannelOpen(String label) {
            if (label.equals(RELIABLE)) {
                reliableOpen = true;
                reportReady(null);
            }
        }

        @Override
        public void onFailed(String reason) {
            events.onPublisherFailed("publisher connection: " + reason);
        }

        @Override
        public void onRtp(ByteBuf packet, RtpHeader header) {
            // the server sends nothing on the publisher connection but RTCP
        }

        @Override
        public void onRtcp(ByteBuf packet) {
            RtcpCodec.parse(packet, nacks);
        }
    }
}
