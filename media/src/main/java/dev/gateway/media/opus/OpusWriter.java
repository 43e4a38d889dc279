package dev.gateway.media.opus;

import dev.gateway.media.audio.AudioStage;
import dev.gateway.media.audio.EncodedWriter;

/**
 * Opus encoding stage: PCM at the encoder's input rate in (8 kHz for the phone: libopus takes it as it is), one
 * packet per frame out to the next {@link EncodedWriter}. Prints as {@code opus(8k,cx3) -> next}.
 *
 * <p>Loop-confined. Owns the native encoder; {@link #close()} frees it.
 */
public final class OpusWriter extends AudioStage {
    private final OpusEncoder encoder;
    private final EncodedWriter next;
    private final byte[] packet = new byte[1500];
    private final String label;

    /** Takes ownership of {@code encoder}. */
    public OpusWriter(OpusEncoder encoder, int complexity, EncodedWriter next) {
        super("opus", encoder.inputSampleRate(), next);
        this.encoder = encoder;
        this.next = next;
        this.label = "opus(" + encoder.inputSampleRate() / 1000 + "k,cx" + complexity + ")";
    }

    @Override
    protected void process(short[] pcm, int off, int len) {
        int n = encoder.encode(pcm, off, len, packet, 0, packet.length);
        next.writeEncoded(packet, 0, n, len);
    }

    @Override
    protected void release() {
        encoder.close();
    }

    @Override
    public String toString() {
        return label + " -> " + next;
    }
}
