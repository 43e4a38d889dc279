package dev.gateway.media.audio;

/**
 * Base class of the pipeline's stages: it counts frames, samples and time for every stage, so no stage keeps its
 * own counters, and prints the pipeline as {@code name -> next}.
 *
 * <p>Loop-confined like the stages built on it; counters are plain fields read through {@link #stats()} on the
 * same loop. Times come from {@link System#nanoTime()} (two reads per frame).
 */
public abstract class AudioStage implements AudioWriter {
    private final String name;
    private final int sampleRate;
    private final Object next;
    private long frames;
    private long samples;
    private long nanos;
    private boolean closed;

    /**
     * @param name       how the stage prints itself, e.g. {@code g711(PCMU)}
     * @param sampleRate the rate this stage takes, Hz
     * @param next       the stage it feeds (an {@link AudioWriter} or {@link EncodedWriter}), null for a sink
     */
    protected AudioStage(String name, int sampleRate, Object next) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be > 0, got " + sampleRate);
        }
        this.name = name;
        this.sampleRate = sampleRate;
        this.next = next;
    }

    @Override
    public final int sampleRate() {
        return sampleRate;
    }

    @Override
    public final void write(short[] pcm, int off, int len) {
        long start = System.nanoTime();
        process(pcm, off, len);
        nanos += System.nanoTime() - start;
        frames++;
        samples += len;
    }

    /** The stage's work for one frame; same contract as {@link #write}. */
    protected abstract void process(short[] pcm, int off, int len);

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        if (next instanceof AudioWriter w) {
            w.close();
        } else if (next instanceof EncodedWriter e) {
            e.close();
        }
    }

    /** Frees what this stage owns; the next stage is closed by {@link #close()}. */
    protected void release() {
    }

    /** This stage's counters now. */
    public final AudioStageStats stats() {
        return new AudioStageStats(name, frames, samples, nanos);
    }

    /** The stage's own name, without the stages after it. */
    public final String name() {
        return name;
    }

    @Override
    public String toString() {
        return next == null ? name : name + " -> " + next;
    }
}
