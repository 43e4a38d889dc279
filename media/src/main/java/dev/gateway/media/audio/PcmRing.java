package dev.gateway.media.audio;

/**
 * A fixed-capacity FIFO of 16-bit PCM samples. Mutable scratch owned by one call: loop-confined, not
 * thread-safe, never allocates after construction. Writing past capacity drops the oldest samples (a producer
 * that runs ahead of the 20 ms clock loses its oldest audio rather than adding delay without bound).
 */
public final class PcmRing {
    private final short[] samples;
    private final int mask;
    private int read;   // total samples read (wraps through mask)
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
        int w = read + size;
        for (int i = 0; i < count; i++) {
            samples[(w + i) & mask] = src[offset + i];
        }
        size += count;
    }

    /** Appends {@code count} zero samples (silence, or concealment of a lost packet). */
    public void writeSilence(int count) {
        if (count > samples.length) {
            overflowed += count - samples.length;
            count = samples.length;
        }
        makeRoom(count);
        int w = read + size;
        int n = Math.min(count, samples.length);
        for (int i = 0; i < n; i++) {
            samples[(w + i) & mask] = 0;
        }
        size += n;
    }

    /**
     * Removes up to {@code count} samples into {@code dst[offset..]}, padding the rest with silence.
     *
     * @return the number of real samples read (the rest of {@code count} was zero-filled)
     */
    public int read(short[] dst, int offset, int count) {
        int n = Math.min(count, size);
        for (int i = 0; i < n; i++) {
            dst[offset + i] = samples[(read + i) & mask];
        }
        for (int i = n; i < count; i++) {
            dst[offset + i] = 0;
        }
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
