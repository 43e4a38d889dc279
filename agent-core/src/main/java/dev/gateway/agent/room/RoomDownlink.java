package dev.gateway.agent.room;

import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.mix.Mixer;
import dev.gateway.media.rtp.RtpHeader;
import io.netty.buffer.ByteBuf;

/**
 * Everything the room sends the caller: every subscribed audio track through its own {@link TrackReceiver}
 * (a jitter play-out with an Opus decoder), mixed by media's {@link Mixer} into one 8 kHz stream. It is a
 * {@link FrameSource}, so the call's media tick pulls it directly into the phone's chain.
 *
 * <p>Threading: loop-confined. Allocates only when a new track appears.
 */
final class RoomDownlink implements FrameSource, AutoCloseable {
    private static final int MAX_TRACKS = Mixer.MAX_SOURCES;
    private static final long IDLE_NANOS = 10_000_000_000L; // a track silent for 10 s is dropped

    private final TrackReceiver[] tracks = new TrackReceiver[MAX_TRACKS];
    private final Mixer mixer = new Mixer();
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

    /** The next 20 ms of every track, mixed into {@code out[off, off + 160)}; true when any track had audio. */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        return mixer.read(nowNanos, out, off);
    }

    /**
     * Mixes the next 20 ms of every track into {@code out[0..160)}.
     *
     * @return 1 when a track contributed audio, else 0
     */
    int mix(short[] out, long now) {
        return read(now, out, 0) ? 1 : 0;
    }

    int trackCount() {
        return mixer.size();
    }

    long concealed() {
        long n = 0;
        for (TrackReceiver t : tracks) {
            n += t == null ? 0 : t.concealed();
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
                System.getLogger("room").log(System.Logger.Level.INFO, "[" + callId + "] room audio track ssrc="
                        + t.ssrc() + " idle, dropped: " + t.stats());
                mixer.remove(t);
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
        mixer.add(tracks[free]);
        return tracks[free];
    }

    @Override
    public void close() {
        for (int i = 0; i < tracks.length; i++) {
            if (tracks[i] != null) {
                mixer.remove(tracks[i]);
                System.getLogger("room").log(System.Logger.Level.INFO, "[" + callId + "] room audio track ssrc="
                        + tracks[i].ssrc() + " " + tracks[i].stats());
                tracks[i].close();
                tracks[i] = null;
            }
        }
    }

    @Override
    public String toString() {
        return "room " + mixer;
    }
}
