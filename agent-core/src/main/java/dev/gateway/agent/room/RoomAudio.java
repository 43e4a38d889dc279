package dev.gateway.agent.room;

import dev.gateway.agent.PhoneLeg;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * All of a room call's audio, in one place: the caller's frames -> Opus -> publisher connection, and every room
 * track from the subscriber connection -> jitter/decode -> mix -> phone. The rest of the room call only hands it
 * transports and packets; this is the class a per-call media pipeline replaces.
 *
 * <p>Before the answer no phone audio flows, but LiveKit shows a published track to the room only once RTP
 * arrives for it (the server's track is created on the first packet), so no agent could subscribe to a ringing
 * caller. While ringing, {@link #sendSilenceUntilAnswered} therefore sends one silent frame per 20 ms.
 *
 * <p>Threading: loop-confined. Owns a native encoder and the track decoders: {@link #close()} it.
 */
final class RoomAudio implements AutoCloseable {
    private static final long FRAME_MILLIS = 20;

    private final String callId;
    private final LiveKitSettings settings;
    private final CallLoop loop;
    private final RoomDownlink downlink;
    private final short[] downlinkFrame = new short[TrackReceiver.FRAME_SAMPLES_8K];
    private final short[] silence = new short[TrackReceiver.FRAME_SAMPLES_8K];
    private OpusUplink uplink;
    private PeerTransport publisher;
    private int roomOpusPt = WebRtcSdpWriter.OPUS_PT;
    private CallLoop.Timer ringingSilence;
    private boolean closed;

    RoomAudio(String callId, LiveKitSettings settings, CallLoop loop) {
        this.callId = callId;
        this.settings = settings;
        this.loop = loop;
        this.downlink = new RoomDownlink(callId, settings.jitterMinMs(), settings.jitterMaxMs());
    }

    /** Creates the caller's encoder; returns the SSRC its RTP will carry (for the publisher offer). */
    long openUplink() {
        if (uplink == null) {
            uplink = new OpusUplink(PooledByteBufAllocator.DEFAULT, settings.opusBitrate(), settings.opusComplexity(),
                    "gw-" + callId);
        }
        return uplink.ssrc();
    }

    /** The publisher connection the caller's track goes out on (null for a fake transport in tests). */
    void attachPublisher(PeerTransport publisher) {
        this.publisher = publisher;
    }

    /** The payload type the room's Opus arrives with (from the subscriber offer). */
    void roomPayloadType(int pt) {
        roomOpusPt = pt;
    }

    /** One 20 ms frame from the phone: it goes to the room, and the room's mix of the same 20 ms to the phone. */
    void onPhoneAudio(short[] pcm, int offset, PhoneLeg leg) {
        stopSilence();
        if (uplink != null && publisher != null) {
            uplink.send(pcm, offset, publisher);
        }
        downlink.mix(downlinkFrame, loop.nanoTime());
        leg.sendAudio(downlinkFrame, 0, downlinkFrame.length); // silence when nobody speaks: comfort for the caller
    }

    /** One decrypted RTP packet from the subscriber connection. */
    void onRoomRtp(ByteBuf packet, RtpHeader header) {
        downlink.onRtp(header, packet, roomOpusPt, loop.nanoTime());
    }

    /** A NACK from the room for the caller's track: resend from the uplink's history. */
    void onNack(long mediaSsrc, int pid, int blp) {
        if (uplink != null && publisher != null) {
            uplink.onNack(mediaSsrc, pid, blp, publisher);
        }
    }

    /** Makes the caller's track visible to the room before the answer (see the class comment). */
    void sendSilenceUntilAnswered() {
        if (ringingSilence == null && !closed) {
            ringingSilence = loop.every(this::sendSilentFrame, FRAME_MILLIS);
        }
    }

    private void sendSilentFrame() {
        if (uplink != null && publisher != null) {
            uplink.send(silence, 0, publisher);
        }
    }

    private void stopSilence() {
        if (ringingSilence != null) {
            ringingSilence.cancel();
            ringingSilence = null;
        }
    }

    /** True while silent frames stand in for the caller (tests). */
    boolean sendingSilence() {
        return ringingSilence != null;
    }

    @Override
    public void close() {
        closed = true;
        stopSilence();
        if (uplink != null) {
            uplink.close();
        }
        downlink.close();
    }
}
