package dev.gateway.agent.room;

import dev.gateway.media.rtp.RtpHeader;
import io.netty.buffer.ByteBuf;

/**
 * Everything the room sends the caller: every subscribed audio track through its own {@link TrackReceiver}, mixed
 * into one 8 kHz stream for the phone. Mixing sums in 32 bits; a frame whose sum would clip is scaled down as a
 * whole (no hard clipping, no distortion), so two loud speakers stay intelligible.
 *
 * <p>Threading: loop-confined. Allocates only when a new track appears.
 */
final class RoomDownlink implements AutoCloseable {
    private static final int MAX_TRACKS = 8;
    private static final long IDLE_NANOS = 10_000_000_000L; // a track silent for 10 s is dropped

    private final TrackReceiver[] tracks = new TrackReceiver[MAX_TRACKS];
    private final int[] mix = new int[TrackReceiver.FRAME_SAMPLES_8K];
    private final int jitterMinMs;
    private final int jitterMaxMs;
    private final String callId;
    private long droppedTracks;

    RoomDownlink(String callId, int jitterMinMs, int jitterMaxMs) {
        this.callId = callId;
        this.jitterMinMs = jitterMinMs;
        this.jitterMaxMs = jitterMaxMs;
    }

    /** One decrypted RTP packet from the subscriber connection. */
    void onRtp(RtpHeader header, ByteBuf buf, int opusPayloadType, long now) {
        if (header.payloadType() != opusPayloadType) {
            return; // RTCP-like noise or a codec we did not answer
        }
        TrackReceiver track = find(header.ssrc(), now);
        if (track != null) {
            track.push(header.sequenceNumber(), header.timestamp(), buf, header.payloadIndex(), header.payloadLength(), now);
        }
    }

    /**
     * Mixes the next 20 ms of every track into {@code out[0..160)}.
     *
     * @return the number of tracks that contributed audio
     */
    int mix(short[] out, long now) {
        java.util.Arrays.fill(mix, 0);
        int active = 0;
        for (TrackReceiver t : tracks) {
            if (t != null && t.mixInto(mix, now)) {
                active++;
            }
        }
        int peak = 0;
        for (int v : mix) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak > Short.MAX_VALUE) {
            double gain = (double) Short.MAX_VALUE / peak;
            for (int i = 0; i < mix.length; i++) {
                out[i] = (short) (mix[i] * gain);
            }
        } else {
            for (int i = 0; i < mix.length; i++) {
                out[i] = (short) mix[i];
            }
        }
        return active;
    }

    int trackCount() {
        int n = 0;
        for (TrackReceiver t : tracks) {
            if (t != null) {
                n++;
            }
        }
        return n;
    }

    private TrackReceiver find(long ssrc, long now) {
        int free = -1;
        for (int i = 0; i < tracks.length; i++) {
            TrackReceiver t = tracks[i];
            if (t == null) {
                free = free < 0 ? i : free;
            } else if (t.ssrc() == ssrc) {
                return t;
            } else if (now - t.lastPacketNanos() > IDLE_NANOS) {
                t.close();
                tracks[i] = null;
                free = free < 0 ? i : free;
            }
        }
        if (free < 0) {
            if (droppedTracks++ == 0) {
                System.getLogger("room").log(System.Logger.Level.WARNING, "[" + callId + "] more than " + MAX_TRACKS
                        + " audio tracks in the room: extra tracks are not mixed");
            }
            return null;
        }
        System.getLogger("room").log(System.Logger.Level.INFO, "[" + callId + "] receiving room audio track ssrc=" + ssrc);
        tracks[free] = new TrackReceiver(ssrc, jitterMinMs, jitterMaxMs);
        return tracks[free];
    }

    @Override
    public void close() {
        for (int i = 0; i < tracks.length; i++) {
            if (tracks[i] != null) {
                tracks[i].close();
                tracks[i] = null;
            }
        }
    }
}
