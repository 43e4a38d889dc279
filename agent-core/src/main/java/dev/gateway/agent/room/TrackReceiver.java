package dev.gateway.agent.room;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.jitter.JitterPlayout;
import dev.gateway.media.opus.OpusPayloadDecoder;
import io.netty.buffer.ByteBuf;

/**
 * One remote audio track (one SSRC) from the room: media's {@link JitterPlayout} with an Opus decoder giving 8 kHz
 * directly (no resampler) that plays DTX silence without libopus, plus what the room side needs to expire idle
 * tracks.
 *
 * <p>Delay: the play-out starts at most {@value #START_DELAY_MS} ms behind the first packet's arrival (the
 * configured minimum when lower) and grows only on measured jitter, up to the configured maximum. With the call's
 * tick sending the mix at once, the gateway adds 10-30 ms on a clean path (the tick is 20 ms) instead of the
 * configured minimum plus a second buffer plus a tick.
 *
 * <p>Threading: loop-confined. Owns a native decoder: {@link #close()} it.
 */
final class TrackReceiver implements FrameSource, AutoCloseable {
    static final int FRAME_SAMPLES_8K = AudioFrames.SAMPLES_8K;
    static final int START_DELAY_MS = 10;
    private final long ssrc;
    private final OpusPayloadDecoder opus;
    private final JitterPlayout playout;
    private long lastPacketNanos;
    private long packets;

    TrackReceiver(long ssrc, int jitterMinMs, int jitterMaxMs) {
        this.ssrc = ssrc;
        this.opus = new OpusPayloadDecoder(8000);
        this.playout = new JitterPlayout(opus, Math.min(jitterMinMs, START_DELAY_MS),
                Math.max(jitterMaxMs, START_DELAY_MS), 1500);
    }

    long ssrc() {
        return ssrc;
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    long packets() {
        return packets;
    }

    /**
     * Jitter counters and delays with what the codec did, for the call's end-of-track log line: frames libopus
     * decoded and concealed, frames played as silence without it (DTX packets and the pauses after them) and
     * corrupt packets libopus refused.
     */
    String stats() {
        return playout.stats() + " decoded=" + opus.decodedFrames() + " concealed=" + opus.concealedFrames()
                + " skipped=" + opus.skippedFrames() + " invalid=" + opus.invalidFrames();
    }

    /** Frames libopus decoded or concealed. */
    long codecFrames() {
        return opus.decodedFrames() + opus.concealedFrames();
    }

    /** Frames played as silence without libopus. */
    long skippedFrames() {
        return opus.skippedFrames();
    }

    long concealed() {
        return playout.concealed();
    }

    void push(int sequence, long timestamp, ByteBuf buf, int index, int length, long now) {
        playout.push(sequence, timestamp, buf, index, length, now);
        lastPacketNanos = now;
        packets++;
    }

    /**
     * This track's next 20 ms (160 samples at 8 kHz); true when real audio was written. A frame of the sender's
     * DTX pause (all zeros, made without libopus) is not audio: the mixer then has one speaker fewer to sum.
     */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        return playout.read(nowNanos, out, off) && !(opus.silent() && zeros(out, off));
    }

    private static boolean zeros(short[] frame, int off) {
        for (int i = off; i < off + FRAME_SAMPLES_8K; i++) {
            if (frame[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        playout.close();
    }

    @Override
    public String toString() {
        return "track " + ssrc + ": " + playout;
    }
}
