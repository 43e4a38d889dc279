package dev.gateway.agent.room;

import dev.gateway.media.call.CallAudio;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * All of a room call's audio, attached to the call's media ({@link CallAudio}): the caller's frames -> Opus ->
 * publisher connection as the call's uplink sink, and every room track from the subscriber connection ->
 * jitter/decode -> mix as one downlink source. The call's media tick moves every frame; this class only builds the
 * room's ends and hands them packets.
 *
 * <p>LiveKit shows a published track to the room only once RTP arrives for it (the server creates the track on the
 * first packet), so no agent could subscribe to a ringing caller without audio. The call's tick feeds the uplink
 * from the moment media opens, silence until the phone sends, so the track exists as soon as the publisher
 * connection is up. Room audio that arrives before the answer is held by the call's media and played from the
 * answer on.
 *
 * <p>Threading: loop-confined. Owns a native encoder and the track decoders: {@link #close()} it.
 */
final class RoomAudio implements AutoCloseable {
    private final String callId;
    private final LiveKitSettings settings;
    private final CallLoop loop;
    private final CallAudio media;
    private final RoomDownlink downlink;
    private OpusUplink uplink;
    private PeerTransport publisher;
    private int roomOpusPt = WebRtcSdpWriter.OPUS_PT;
    private boolean closed;

    /** Attaches the room's downlink to {@code media} at once (the call's media holds it until the answer). */
    RoomAudio(String callId, LiveKitSettings settings, CallLoop loop, CallAudio media) {
        this.callId = callId;
        this.settings = settings;
        this.loop = loop;
        this.media = media;
        this.downlink = new RoomDownlink(callId, settings.jitterMinMs(), settings.jitterMaxMs());
        if (!media.attachDownlink(downlink)) {
            throw new IllegalStateException("[" + callId + "] the call's mixer has no room for the room's audio");
        }
    }

    /**
     * Creates the caller's encoder and attaches it as the call's uplink sink; returns the SSRC its RTP will carry
     * (for the publisher offer). Frames are not even encoded until the publisher transport is ready.
     */
    long openUplink() {
        if (uplink == null && !closed) {
            uplink = new OpusUplink(PooledByteBufAllocator.DEFAULT, settings.opusBitrate(), settings.opusComplexity(),
                    "gw-" + callId);
            uplink.bind(publisher);
            media.attachUplink(uplink);
        }
        return uplink == null ? 0 : uplink.ssrc();
    }

    /** The publisher connection the caller's track goes out on (null for a fake transport in tests). */
    void attachPublisher(PeerTransport publisher) {
        this.publisher = publisher;
        if (uplink != null) {
            uplink.bind(publisher);
        }
    }

    /** The payload type the room's Opus arrives with (from the subscriber offer). */
    void roomPayloadType(int pt) {
        roomOpusPt = pt;
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

    /** Room tracks mixed for the caller now (tests, logs). */
    int roomTracks() {
        return downlink.trackCount();
    }

    /** Detaches from the call's media and frees the encoder and decoders. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        media.detachDownlink(downlink);
        if (uplink != null) {
            media.attachUplink(null);
            uplink.close();
        }
        downlink.close();
    }
}
