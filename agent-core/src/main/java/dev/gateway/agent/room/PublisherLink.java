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
 * caller's microphone track (AddTrack and our offer back to back -> TrackPublished, the server's answer), opens the
 * {@code _reliable} and {@code _lossy} data channels, answers the room's NACKs from the uplink's history, and
 * reports when the call may be answered: as soon as the connection carries media (the caller's audio reaches the
 * room), not when the reliable data channel opens, which comes later and is reported on its own (DTMF waits for it;
 * under a burst of calls the SCTP set-up can take a second, and a caller should not ring for it). A data channel
 * still closed {@link #DATA_CHANNEL_GRACE_MILLIS} after the media is logged.
 *
 * <p>Threading: loop-confined.
 */
final class PublisherLink {
    /** How long after the media a closed data channel is worth a log line. */
    static final long DATA_CHANNEL_GRACE_MILLIS = 2000;
    static final String RELIABLE = "_reliable";
    private static final System.Logger LOG = System.getLogger("room");

    /** What the link reports to its call. */
    interface Events {
        /** Media is up: the room's join deadline no longer applies. */
        void onPublisherConnected();

        /** The call may be answered as far as the publisher goes: the caller's audio reaches the room. */
        void onPublisherReady();

        /** The reliable data channel is open: DTMF and RPC can reach the room from now on. */
        void onReliableOpen();

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
            // The offer goes right behind the AddTrack, not after TrackPublished: livekit-server handles one
            // connection's signal requests in order (AddTrack registers the pending track before the offer is
            // read), so waiting for TrackPublished only cost the call one round trip before its answer.
            signal.addTrack(trackCid, "phone", LivekitModels.TrackSource.MICROPHONE, false);
            signal.sendOffer(WebRtcSdpWriter.publisherOffer(local(t), audio.openUplink(), "gw-" + callId,
                    "phone-" + callId, trackCid, audio.uplinkOffer()));
        });
    }

    /** The client id of the caller's track in our AddTrack request. */
    String trackCid() {
        return trackCid;
    }

    /** The server accepted a track: true when it is ours (the offer that carries it went out with the AddTrack). */
    boolean onTrackPublished(String cid) {
        return cid.equals(trackCid) && transport != null;
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

    /** When the server was last heard from on this connection (media clock ns); {@link Long#MIN_VALUE} if never. */
    long lastHeardNanos() {
        return transport == null ? Long.MIN_VALUE : transport.lastHeardNanos();
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

    private void warnIfDataChannelClosed() {
        if (!reliableOpen && !closed) {
            log("data channel not open " + DATA_CHANNEL_GRACE_MILLIS + " ms after the media: DTMF waits for it");
        }
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
            events.onPublisherReady();
            if (!reliableOpen) {
                loop.schedule(PublisherLink.this::warnIfDataChannelClosed, DATA_CHANNEL_GRACE_MILLIS);
            }
        }

        @Override
        public void onDataChannelOpen(String label) {
            if (label.equals(RELIABLE) && !reliableOpen) {
                reliableOpen = true;
                events.onReliableOpen();
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
