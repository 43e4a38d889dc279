package dev.gateway.media.jitter;

/**
 * The decoder behind a {@link JitterPlayout}: G.711 for the phone, Opus for a room track. Loop-confined with its
 * play-out; decodes into the caller's array and allocates nothing.
 */
public interface PayloadDecoder extends AutoCloseable {

    /** The RTP clock of the payload, Hz (8000 for G.711, 48000 for Opus whatever the audio bandwidth). */
    int clockRate();

    /** The PCM rate this decoder gives, Hz. */
    int sampleRate();

    /** The most samples one payload or one concealment may give; the play-out's scratch is this long. */
    int maxSamples();

    /** Decodes {@code payload[0, length)} into {@code out[off..]}; returns samples written. */
    int decode(byte[] payload, int length, short[] out, int off);

    /**
     * Fills a lost frame of about {@code samples} samples (at {@link #sampleRate()}) into {@code out[off..]}; may
     * round to what the codec can conceal. Returns samples written.
     */
    int conceal(int samples, short[] out, int off);

    /** Frees native state. Idempotent. */
    @Override
    void close();
}
