package dev.gateway.media.opus;

import dev.gateway.media.jitter.PayloadDecoder;

/**
 * Opus behind a {@link dev.gateway.media.jitter.JitterPlayout}: RTP clock 48 kHz (RFC 7587 §4.1), decoded by
 * libopus straight to the play-out rate (8 kHz for the phone), packet-loss concealment for lost frames.
 *
 * <p>libopus conceals only whole multiples of 2.5 ms. A lost frame's duration comes from RTP timestamps, which a
 * sender may space unevenly (a room track that mutes and comes back: 1116 ticks = 186 samples at 8 kHz), so it is
 * rounded to the nearest 2.5 ms (at least one quantum, at most 120 ms); the play-out's clock is the tick, so the
 * few samples of rounding never accumulate.
 *
 * <p>Loop-confined. Owns the native decoder: {@link #close()} it.
 */
public final class OpusPayloadDecoder implements PayloadDecoder {
    private final OpusDecoder decoder;
    private final int quantum;
    private final int maxSamples;

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
        return decoder.decode(payload, 0, length, out, off, maxSamples);
    }

    @Override
    public int conceal(int samples, short[] out, int off) {
        return decoder.conceal(null, 0, 0, out, off, concealable(samples, quantum, maxSamples));
    }

    /** {@code samples} rounded to the nearest multiple of {@code quantum}, within [quantum, max]. */
    static int concealable(int samples, int quantum, int max) {
        int rounded = (samples + quantum / 2) / quantum * quantum;
        return Math.max(quantum, Math.min(max, rounded));
    }

    @Override
    public void close() {
        decoder.close();
    }

    @Override
    public String toString() {
        return "opus(decode " + decoder.outputSampleRate() / 1000 + "k)";
    }
}
