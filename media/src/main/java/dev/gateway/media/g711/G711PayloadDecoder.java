package dev.gateway.media.g711;

import dev.gateway.media.jitter.PayloadDecoder;

/**
 * G.711 behind a {@link dev.gateway.media.jitter.JitterPlayout}: one sample per byte, 8 kHz, and silence for a
 * lost frame (G.711 has no concealment of its own; a zero frame is what the phone leg always played). The law may
 * change with a re-INVITE: {@link #codec(G711)}. Loop-confined, stateless apart from the law.
 */
public final class G711PayloadDecoder implements PayloadDecoder {
    private final int maxSamples;
    private G711 codec;

    /** @param maxPayloadBytes the longest payload accepted (= samples) */
    public G711PayloadDecoder(G711 codec, int maxPayloadBytes) {
        this.codec = codec;
        this.maxSamples = maxPayloadBytes;
    }

    public void codec(G711 codec) {
        this.codec = codec;
    }

    public G711 codec() {
        return codec;
    }

    @Override
    public int clockRate() {
        return 8000;
    }

    @Override
    public int sampleRate() {
        return 8000;
    }

    @Override
    public int maxSamples() {
        return maxSamples;
    }

    @Override
    public int decode(byte[] payload, int length, short[] out, int off) {
        int n = Math.min(length, maxSamples);
        codec.decode(payload, 0, n, out, off);
        return n;
    }

    @Override
    public int conceal(int samples, short[] out, int off) {
        int n = Math.min(samples, maxSamples);
        java.util.Arrays.fill(out, off, off + n, (short) 0);
        return n;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "g711(" + codec.encodingName() + ")";
    }
}
