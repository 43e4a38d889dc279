package dev.gateway.media.resample;

import dev.gateway.media.audio.AudioStage;
import dev.gateway.media.audio.AudioWriter;

/**
 * Changes the rate between two stages, 8 <-> 48 kHz (the only pair the gateway meets). Build it with
 * {@link #between(int, AudioWriter)}, which inserts it only where the rates differ. Loop-confined; the output
 * scratch is made once for frames up to 120 ms.
 */
public final class ResampleWriter extends AudioStage {
    private final PolyphaseResampler resampler;
    private final AudioWriter next;
    private final short[] out;

    private ResampleWriter(PolyphaseResampler resampler, AudioWriter next) {
        super("resample(" + resampler.inputRate() + "->" + resampler.outputRate() + ")", resampler.inputRate(), next);
        this.resampler = resampler;
        this.next = next;
        this.out = new short[resampler.maxOutputSamples(resampler.inputRate() * 120 / 1000)];
    }

    /** A writer taking {@code inputRate}: {@code next} itself when it already takes that rate, else a resampler. */
    public static AudioWriter between(int inputRate, AudioWriter next) {
        if (inputRate == next.sampleRate()) {
            return next;
        }
        return new ResampleWriter(PolyphaseResampler.create(inputRate, next.sampleRate()), next);
    }

    @Override
    protected void process(short[] pcm, int off, int len) {
        int n = resampler.process(pcm, off, len, out, 0);
        next.write(out, 0, n);
    }
}
