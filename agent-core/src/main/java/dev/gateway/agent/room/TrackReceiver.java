package dev.gateway.agent.room;

import dev.gateway.media.audio.PcmRing;
import dev.gateway.media.jitter.JitterBuffer;
import dev.gateway.media.jitter.JitterFrame;
import dev.gateway.media.opus.OpusDecoder;
import io.netty.buffer.ByteBuf;

/**
 * One remote audio track (one SSRC) from the room: its own jitter buffer on the 48 kHz RTP clock and its own Opus
 * decoder giving 8 kHz PCM directly (libopus decodes to any supported rate), with FEC or PLC for lost packets.
 *
 * <p>Threading: loop-confined. Owns a native decoder: {@link #close()} it.
 */
final class TrackReceiver implements AutoCloseable {
    static final int FRAME_SAMPLES_8K = 160;
    private static final int MAX_DECODED = 960; // 120 ms at 8 kHz, the longest Opus packet

    private final long ssrc;
    private final JitterBuffer jitter;
    private final JitterFrame frame = new JitterFrame(1500);
    private final OpusDecoder decoder = new OpusDecoder(8000);
    private final PcmRing pcm = new PcmRing(4096);
    private final short[] scratch = new short[MAX_DECODED];
    private long lastPacketNanos;
    private long packets;

    TrackReceiver(long ssrc, int jitterMinMs, int jitterMaxMs) {
        this.ssrc = ssrc;
        this.jitter = new JitterBuffer(48000, jitterMinMs, jitterMaxMs, 1500);
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

    void push(int sequence, long timestamp, ByteBuf buf, int index, int length, long now) {
        jitter.push(sequence, timestamp, buf, index, length, now);
        lastPacketNanos = now;
        packets++;
    }

    /**
     * Adds this track's next 20 ms (160 samples at 8 kHz) into {@code mix}.
     *
     * @return true when real audio (not padding) was added
     */
    boolean mixInto(int[] mix, long now) {
        while (pcm.size() < FRAME_SAMPLES_8K && jitter.poll(now, frame)) {
            int samples;
            if (frame.lost()) {
                int want = frame.samples() > 0 ? Math.min(MAX_DECODED, frame.samples() / 6) : FRAME_SAMPLES_8K;
                samples = decoder.conceal(null, 0, 0, scratch, 0, want);
            } else {
                samples = decoder.decode(frame.payload(), 0, frame.length(), scratch, 0, MAX_DECODED);
            }
            pcm.write(scratch, 0, samples);
        }
        if (pcm.size() == 0) {
            return false;
        }
        pcm.read(scratch, 0, FRAME_SAMPLES_8K); // zero-padded when less than a frame is left
        for (int i = 0; i < FRAME_SAMPLES_8K; i++) {
            mix[i] += scratch[i];
        }
        return true;
    }

    @Override
    public void close() {
        decoder.close();
    }
}
