package dev.gateway.media.record;

/**
 * The hand-off from a call's event loop to a writer thread: a fixed ring of stereo 20 ms frames, one producer (the
 * loop) and one consumer (the writer), no lock and no allocation after construction.
 *
 * <p>A slot is planar: {@code [left 160][right 160]}. The producer fills the slot at {@link #writeSlot()} (the right
 * half in the pace phase, the left half in the work phase) and publishes it with {@link #publish}; the consumer reads
 * slots up to {@link #published()} and frees them with {@link #release()}. The two indices are volatile and each is
 * written by one side only, so a published slot's samples are visible to the consumer, and a released slot is not
 * overwritten before the consumer is done with it.
 *
 * <p>Each slot also carries the number of frames the producer dropped just before it (ring full), so the writer
 * can put that much silence back and keep the file's timeline the call's.
 */
final class RecordingRing {
    static final int N = RecordingFile.FRAME_SAMPLES;
    static final int SLOT = 2 * N;

    private final short[] samples;
    private final int[] gapBefore;
    private final int capacity;
    /** Slots published by the producer (loop); written by it only. */
    private volatile long written;
    /** Slots released by the consumer (writer); written by it only. */
    private volatile long read;

    RecordingRing(int capacityFrames) {
        if (capacityFrames < 2) {
            throw new IllegalArgumentException("ring must hold >= 2 frames, got " + capacityFrames);
        }
        this.capacity = capacityFrames;
        this.samples = new short[capacityFrames * SLOT];
        this.gapBefore = new int[capacityFrames];
    }

    int capacity() {
        return capacity;
    }

    // ---- producer (loop) ----

    /** True when no slot is free: the frame of this tick has to be dropped. */
    boolean full() {
        return written - read >= capacity;
    }

    /** The samples array; the producer's slot starts at {@link #writeSlot()}, the consumer's at {@link #readSlot()}. */
    short[] samples() {
        return samples;
    }

    /** Offset of the slot being filled; only valid while not {@link #full()}. */
    int writeSlot() {
        return (int) (written % capacity) * SLOT;
    }

    /** Publishes the slot being filled, {@code gap} frames having been dropped just before it. */
    void publish(int gap) {
        gapBefore[(int) (written % capacity)] = gap;
        written = written + 1;
    }

    // ---- consumer (writer) ----

    /** Slots published so far; read this before the slots it covers. */
    long published() {
        return written;
    }

    /** Slots released so far. */
    long consumed() {
        return read;
    }

    /** Offset of the oldest unreleased slot. */
    int readSlot() {
        return (int) (read % capacity) * SLOT;
    }

    /** Frames dropped just before the oldest unreleased slot. */
    int readGap() {
        return gapBefore[(int) (read % capacity)];
    }

    /** Frees the oldest slot for the producer. */
    void release() {
        read = read + 1;
    }
}
