package dev.gateway.media.g711;

import dev.gateway.media.audio.AudioStage;
import dev.gateway.media.audio.EncodedWriter;

/**
 * G.711 encoding stage: 8 kHz PCM in, one code byte per sample out to the next {@link EncodedWriter}. The law
 * may change mid-call (a re-INVITE): {@link #codec(G711)}. Loop-confined; encodes into a scratch array made once.
 */
public final class G711Writer extends AudioStage {
    private final EncodedWriter next;
    private final byte[] scratch;
    private G711 codec;

    /** @param maxFrameSamples the longest frame written, samples (480 for 60 ms) */
    public G711Writer(G711 codec, int maxFrameSamples, EncodedWriter next) {
        super("g711", 8000, next);
        this.codec = codec;
        this.next = next;
        this.scratch = new byte[maxFrameSamples];
    }

    public void codec(G711 codec) {
        this.codec = codec;
    }

    @Override
    protected void process(short[] pcm, int off, int len) {
        codec.encode(pcm, off, len, scratch, 0);
        next.writeEncoded(scratch, 0, len, len);
    }

    @Override
    public String toString() {
        return "g711(" + codec.encodingName() + ") -> " + next;
    }
}
