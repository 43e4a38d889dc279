package dev.gateway.media.jitter;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.audio.PcmRing;
import io.netty.buffer.ByteBuf;

/**
 * One received RTP audio stream played out on the media tick: a {@link JitterBuffer} (reorder, loss, adaptive
 * delay), a {@link PayloadDecoder} (G.711 for the phone, Opus for a room track) and concealment of lost frames.
 * The same class serves both legs. Each {@link #read} gives one 20 ms frame at 8 kHz; a small ring only bridges
 * packets that are not 20 ms long (10, 30, 60 ms), never more than one packet, so it adds no delay of its own.
 *
 * <p>Threading: loop-confined (the call's event loop). Allocation: none after construction. Owns the decoder.
 */
public final class JitterPlayout implements FrameSource, AutoCloseable {
    private static final int FRAME = AudioFrames.SAMPLES_8K;

    private final JitterBuffer jitter;
    private final JitterFrame frame;
    private final PayloadDecoder decoder;
    private final PcmRing pcm;
    private final short[] scratch;
    private final int minDelayMs;
    private final int maxDelayMs;
    private long decoded;
    private long concealed;
    private long emptyFrames;

    /**
     * @param minDelayMs      the delay the buffer starts with and never goes under, ms
     * @param maxDelayMs      the most delay it may grow to on measured jitter, ms
     * @param maxPayloadBytes largest payload accepted
     */
    public JitterPlayout(PayloadDecoder decoder, int minDelayMs, int maxDelayMs, int maxPayloadBytes) {
        if (decoder.sampleRate() != 8000) {
            throw new IllegalArgumentException("play-out runs at 8000 Hz, decoder " + decoder + " gives "
                    + decoder.sampleRate());
        }
        this.decoder = decoder;
        this.minDelayMs = minDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.jitter = new JitterBuffer(decoder.clockRate(), minDelayMs, maxDelayMs, maxPayloadBytes);
        this.frame = new JitterFrame(maxPayloadBytes);
        this.scratch = new short[Math.max(decoder.maxSamples(), FRAME)];
        this.pcm = new PcmRing(2 * scratch.length + FRAME);
    }

    /** One received packet's payload ({@code buf[index, index + length)}, read, not retained). */
    public JitterPushResult push(int sequence, long timestamp, ByteBuf buf, int index, int length, long nowNanos) {
        return jitter.push(sequence, timestamp, buf, index, length, nowNanos);
    }

    /**
     * Plays out the frame due at {@code nowNanos} into {@code out[off, off + 160)}: decoded audio, concealment for
     * a lost packet, or silence when nothing is due.
     *
     * @return true when at least one sample came from the stream (decoded or concealed)
     */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        while (pcm.size() < FRAME && jitter.poll(nowNanos, frame)) {
            int n;
            if (frame.lost()) {
                long ticks = frame.samples() > 0 ? frame.samples() : (long) decoder.clockRate() / 50;
                int want = (int) Math.min(decoder.maxSamples(), ticks * decoder.sampleRate() / decoder.clockRate());
                n = decoder.conceal(Math.max(1, want), scratch, 0);
                concealed++;
            } else {
                n = decoder.decode(frame.payload(), frame.length(), scratch, 0);
                decoded++;
            }
            pcm.write(scratch, 0, n);
        }
        if (pcm.size() == 0) {
            java.util.Arrays.fill(out, off, off + FRAME, (short) 0);
            emptyFrames++;
            return false;
        }
        pcm.read(out, off, FRAME); // zero-padded when less than a frame is left
        return true;
    }

    /** Forgets buffered packets and audio (new SSRC, new codec). */
    public void reset() {
        jitter.reset();
        pcm.clear();
    }

    /** Packets decoded. */
    public long decoded() {
        return decoded;
    }

    /** Lost frames filled by concealment. */
    public long concealed() {
        return concealed;
    }

    /** Reads that found nothing to play (before the first packet, after the stream paused). */
    public long emptyFrames() {
        return emptyFrames;
    }

    public JitterStats stats() {
        return jitter.stats();
    }

    public PayloadDecoder decoder() {
        return decoder;
    }

    @Override
    public void close() {
        decoder.close();
    }

    @Override
    public String toString() {
        return "jitter(" + minDelayMs + ".." + maxDelayMs + "ms) -> " + decoder;
    }
}
