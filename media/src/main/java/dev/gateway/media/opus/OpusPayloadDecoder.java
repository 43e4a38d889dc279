package dev.gateway.media.opus;

import dev.gateway.media.jitter.PayloadDecoder;
import java.util.Arrays;

/**
 * Opus behind a {@link dev.gateway.media.jitter.JitterPlayout}: RTP clock 48 kHz (RFC 7587 §4.1), decoded by
 * libopus straight to the play-out rate (8 kHz for the phone, no resampler), packet-loss concealment for lost
 * frames, and no codec at all while the sender is silent.
 *
 * <p><b>Silence without the codec.</b> A DTX packet ({@link OpusToc#carriesNoAudio}: one or two bytes) becomes
 * zeros of its TOC's duration, and so does every concealment that follows it (the gap until the sender's next
 * packet is its DTX pause, not a loss): libopus would only produce its fading comfort noise there. The first real
 * packet after such silence is decoded by a {@linkplain OpusDecoder#reset() reset} decoder, as a stream's first:
 * the decoder's history is the speech before the pause, which it would otherwise continue into the new talk spurt
 * (CELT's overlap, SILK's pitch and LPC memory). Reset, not one concealed frame before it: reset costs nothing and
 * clips nothing (the new packet is decoded whole), where a concealment would cost a decode and play the old
 * speech's tail. Concealment after a real packet still runs libopus (the loss is mid-speech); the jitter buffer
 * stops polling after five blind losses, so a track that stops (muted, left) costs at most 100 ms of it.
 *
 * <p>A packet libopus refuses (corrupt: a room participant's bug or malice) is counted and played as silence of
 * its TOC's duration, like a DTX packet: it must not end the call's downlink, as an exception out of the media
 * tick would.
 *
 * <p>libopus conceals only whole multiples of 2.5 ms. A lost frame's duration comes from RTP timestamps, which a
 * sender may space unevenly (a room track that mutes and comes back: 1116 ticks = 186 samples at 8 kHz), so it is
 * rounded to the nearest 2.5 ms (at least one quantum, at most 120 ms); the play-out's clock is the tick, so the
 * few samples of rounding never accumulate.
 *
 * <p>Loop-confined. Allocates nothing. Owns the native decoder: {@link #close()} it.
 */
public final class OpusPayloadDecoder implements PayloadDecoder {
    private final OpusDecoder decoder;
    private final int quantum;
    private final int maxSamples;
    /** The last frame was DTX silence (or concealment after it): libopus has not run since. */
    private boolean silent;
    private long decodedFrames;
    private long concealedFrames;
    private long skippedFrames;
    private long invalidFrames;

    public OpusPayloadDecoder(int sampleRate) {
        this.decoder = new OpusDecoder(sampleRate);
        this.quantum = sampleRate / 400;
        this.maxSamples = sampleRate * 120 / 1000;
    }

    @Override
    public int clockRate() {
        return 48000;
    }

    @Override
    public int sampleRate() {
        return decoder.outputSampleRate();
    }

    @Override
    public int maxSamples() {
        return maxSamples;
    }

    @Override
    public int decode(byte[] payload, int length, short[] out, int off) {
        if (OpusToc.carriesNoAudio(length)) {
            skippedFrames++;
            return silence(OpusToc.samples(payload, length, decoder.outputSampleRate()), out, off);
        }
        if (silent) {
            decoder.reset();
            silent = false;
        }
        int n = decoder.tryDecode(payload, 0, length, out, off, maxSamples);
        if (n < 0) {
            // libopus refused it (corrupt, or longer than 120 ms): silence of the TOC's duration, and the next
            // packet starts from a reset decoder; the track plays on
            invalidFrames++;
            return silence(Math.min(maxSamples, OpusToc.samples(payload, length, decoder.outputSampleRate())), out,
                    off);
        }
        decodedFrames++;
        return n;
    }

    @Override
    public int conceal(int samples, short[] out, int off) {
        int n = concealable(samples, quantum, maxSamples);
        if (silent) {
            skippedFrames++;
            return silence(n, out, off);
        }
        concealedFrames++;
        return decoder.conceal(null, 0, 0, out, off, n);
    }

    /** Zeros without libopus; the next real packet is decoded by a reset decoder. */
    private int silence(int samples, short[] out, int off) {
        silent = true;
        Arrays.fill(out, off, off + samples, (short) 0);
        return samples;
    }

    /** {@code samples} rounded to the nearest multiple of {@code quantum}, within [quantum, max]. */
    static int concealable(int samples, int quantum, int max) {
        int rounded = (samples + quantum / 2) / quantum * quantum;
        return Math.max(quantum, Math.min(max, rounded));
    }

    /**
     * True when the last frame this decoder gave was silence it made without libopus (DTX, or concealment after
     * it): the track is paused, not speaking.
     */
    public boolean silent() {
        return silent;
    }

    /** Packets libopus decoded. */
    public long decodedFrames() {
        return decodedFrames;
    }

    /** Lost frames libopus concealed. */
    public long concealedFrames() {
        return concealedFrames;
    }

    /** DTX packets and the concealments after them, played as silence without libopus. */
    public long skippedFrames() {
        return skippedFrames;
    }

    /** Packets libopus refused (corrupt), played as silence. */
    public long invalidFrames() {
        return invalidFrames;
    }

    @Override
    public void close() {
        decoder.close();
    }

    @Override
    public String toString() {
        return "opus(decode " + decoder.outputSampleRate() / 1000 + "k, DTX as silence)";
    }
}
