package dev.gateway.media.audio;

/**
 * A fixed-capacity FIFO of 16-bit PCM samples. Mutable scratch owned by one call: loop-confined, not
 * thread-safe, never allocates after construction. Writing past capacity drops the oldest samples (a producer
 * that runs ahead of the 20 ms clock loses its oldest audio rather than adding delay without bound).
 */
public final class PcmRing {
    private final short[] samples;
    private final int mask;
    private int read;   // index of the oldest sample
    private int size;
    private long overflowed;

    /** @param capacity in samples; rounded up to a power of two */
    public PcmRing(int capacity) {
        if (capacity <= 0 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("capacity must be 1..16M samples, got " + capacity);
        }
        int length = 1;
        while (length < capacity) {
            length <<= 1;
        }
        samples = new short[length];
        mask = samples.length - 1;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return samples.length;
    }

    /** Samples dropped because the ring was full. */
    public long overflowed() {
        return overflowed;
    }

    public void clear() {
        read = 0;
        size = 0;
    }

    /** Appends {@code count} samples from {@code src[offset..]}; on overflow the oldest samples are dropped. */
    public void write(short[] src, int offset, int count) {
        if (count > samples.length) {
            overflowed += count - samples.length;
            offset += count - samples.length;
            count = samples.length;
        }
        makeRoom(count);
        int w = (read + size) & mask;
        int first = Math.min(count, samples.length - w); // up to the end of the array, then wrap
        System.arraycopy(src, offset, samples, w, first);
        System.arraycopy(src, offset + first, samples, 0, count - first);
        size += count;
    }

    /** Appends {@code count} zero samples (silence, or concealment of a lost packet). */
    public void writeSilence(int count) {
        if (count > samples.length) {
            overflowed += count - samples.length;
            count = samples.length;
        }
        makeRoom(count);
        int w = (read + size) & mask;
        int first = Math.min(count, samples.length - w);
        java.util.Arrays.fill(samples, w, w + first, (short) 0);
        java.util.Arrays.fill(samples, 0, count - first, (short) 0);
        size += count;
    }

    /**
     * Removes up to {@code count} samples into {@code dst[offset..]}, padding the rest with silence.
     *
     * @return the number of real samples read (the rest of {@code count} was zero-filled)
     */
    public int read(short[] dst, int offset, int count) {
        int n = Math.min(count, size);
        int first = Math.min(n, samples.length - read);
        System.arraycopy(samples, read, dst, offset, first);
        System.arraycopy(samples, 0, dst, offset + first, n - first);
        java.util.Arrays.fill(dst, offset + n, offset + count, (short) 0);
        read = (read + n) & mask;
        size -= n;
        return n;
    }

    /** Drops up to {@code count} samples from the head. */
    public void skip(int count) {
        int n = Math.min(count, size);
        read = (read + n) & mask;
        size -= n;
    }

    private void makeRoom(int count) {
        int free = samples.length - size;
        if (count > free) {
            int drop = Math.min(size, count - free);
            skip(drop);
            overflowed += drop;
        }
    }
}
