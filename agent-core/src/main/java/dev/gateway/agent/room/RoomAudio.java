package dev.gateway.agent.room;

import dev.gateway.media.call.CallAudio;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.Locale;

/**
 * All of a room call's audio, attached to the call's media ({@link CallAudio}): the caller's frames -> G.711 in
 * the phone's law, or Opus when the room does not take G.711 ({@link RoomUplink}) -> publisher connection as the
 * call's uplink sink, and every room track from the subscriber connection ->
 * jitter/decode -> mix as one downlink source. The call's media tick moves every frame; this class only builds the
 * room's ends and hands them packets.
 *
 * <p>LiveKit shows a published track to the room only once RTP arrives for it (the server creates the track on the
 * first packet), so no agent could subscribe to a ringing caller without audio. The call's tick feeds the uplink
 * from the moment media opens, silence until the phone sends, so the track exists as soon as the publisher
 * connection is up. Room audio that arrives before the answer is held by the call's media and played from the
 * answer on.
 *
 * <p>Threading: loop-confined. Owns the uplink (a native encoder when Opus) and the track decoders:
 * {@link #close()} it.
 */
final class RoomAudio implements AutoCloseable {
    private final String callId;
    private final LiveKitSettings settings;
    private final CallLoop loop;
    private final CallAudio media;
    private final RoomDownlink downlink;
    private RoomUplink uplink;
    private List<Integer> offered = List.of();
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
     * Creates the caller's uplink and attaches it as the call's uplink sink; returns the SSRC its RTP will carry
     * (for the publisher offer). Frames are not even encoded until the room's answer picked the format
     * ({@link #startUplink}) and the publisher transport is ready.
     */
    long openUplink() {
        if (uplink == null && !closed) {
            uplink = new RoomUplink(PooledByteBufAllocator.DEFAULT, settings.opusBitrate(), settings.opusComplexity(),
                    "gw-" + callId);
            uplink.bind(publisher);
            media.attachUplink(uplink);
        }
        return uplink == null ? 0 : uplink.ssrc();
    }

    /**
     * The payload types the publisher offer lists for the caller's track, preferred first: per
     * {@code livekit.uplinkCodec}, G.711 in the phone's law now first.
     */
    List<Integer> uplinkOffer() {
        offered = UplinkFormat.offer(settings.uplinkCodec(), media.phoneCodec());
        return offered;
    }

    /**
     * The room's answer for the caller's track: starts the uplink in the format it picked and returns it, or
     * returns null when it accepts none of what we offered (for {@code uplinkCodec: pcmu}: the room refuses G.711).
     */
    UplinkFormat startUplink(WebRtcDescription.Section answer) {
        UplinkFormat format = UplinkFormat.fromAnswer(answer, offered);
        if (format != null && uplink != null) {
            uplink.start(format);
        }
        return format;
    }

    /** Why the room's answer cannot carry the caller's track (after {@link #startUplink} returned null). */
    String uplinkRefused() {
        return "the room accepts none of the formats offered for the caller's track (payload types " + offered + ", "
                + uplinkPolicy() + ")" + (settings.uplinkCodec() == LiveKitSettings.UplinkCodec.PCMU
                ? ": it refuses G.711; enable audio/PCMU and audio/PCMA in livekit-server's room.enabled_codecs or "
                + "set livekit.uplinkCodec to auto" : "");
    }

    /** For the call's log: the phone's law and the configured policy. */
    String uplinkPolicy() {
        return "phone " + media.phoneCodec().encodingName() + ", livekit.uplinkCodec "
                + settings.uplinkCodec().name().toLowerCase(Locale.ROOT);
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
