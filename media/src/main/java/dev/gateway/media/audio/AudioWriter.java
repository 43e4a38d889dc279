package dev.gateway.media.audio;

/**
 * One stage of an audio pipeline: takes 16-bit mono PCM at {@link #sampleRate()} and hands it on (encoded,
 * resampled, observed, ...) to the stage it decorates. {@link #toString()} prints the stage and everything after
 * it, {@code name -> next}, so a call's pipeline prints itself.
 *
 * <p>Contract: {@link #write} never keeps {@code pcm} after it returns and allocates nothing per frame; callers
 * reuse their arrays. Implementations say whether they are loop-confined (the pipeline stages here all are).
 */
public interface AudioWriter {

    /** Samples per second this stage takes. */
    int sampleRate();

    /** One frame, usually 20 ms: {@code pcm[off, off + len)}. The array is the caller's; it is not kept. */
    void write(short[] pcm, int off, int len);

    /** Frees what the stage owns (native codec state) and closes the next stage. Idempotent. */
    void close();
}
