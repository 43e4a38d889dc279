package dev.gateway.media.jitter;

import io.netty.buffer.ByteBuf;

/**
 * Preallocated slots indexed by extended sequence number modulo a power of two. Payloads are copied in, so the
 * caller's buffer is never retained. Loop-confined with its {@link JitterBuffer}; not thread-safe.
 */
final class JitterRing {

    private final int mask;
    private final byte[][] payloads;
    private final int[] lengths;
    private final long[] sequences;
    private final long[] timestamps;
    private final boolean[] present;

    JitterRing(int minSlots, int maxPayloadBytes) {
        int capacity = Integer.highestOneBit(Math.max(minSlots, 4) - 1) << 1;
        mask = capacity - 1;
        payloads = new byte[capacity][maxPayloadBytes];
        lengths = new int[capacity];
        sequences = new long[capacity];
        timestamps = new long[capacity];
        present = new boolean[capacity];
    }

    int capacity() {
        return mask + 1;
    }

    private int slot(long extSeq) {
        return (int) (extSeq & mask);
    }

    boolean contains(long extSeq) {
        int s = slot(extSeq);
        return present[s] && sequences[s] == extSeq;
    }

    void put(long extSeq, long extTs, ByteBuf src, int index, int length) {
        int s = slot(extSeq);
        src.getBytes(index, payloads[s], 0, length);
        lengths[s] = length;
        sequences[s] = extSeq;
        timestamps[s] = extTs;
        present[s] = true;
    }

    /** Extended timestamp of a present slot. */
    long timestamp(long extSeq) {
        return timestamps[slot(extSeq)];
    }

    /** Copies a present slot's payload into {@code dst} and returns its length. */
    int copyTo(long extSeq, byte[] dst) {
        int s = slot(extSeq);
        System.arraycopy(payloads[s], 0, dst, 0, lengths[s]);
        return lengths[s];
    }

    void remove(long extSeq) {
        if (contains(extSeq)) {
            present[slot(extSeq)] = false;
        }
    }

    /** The first present sequence in {@code (after, last]}, or {@code Long.MIN_VALUE} when none. */
    long firstPresentAfter(long after, long last) {
        for (long seq = after + 1; seq <= last; seq++) {
            if (contains(seq)) {
                return seq;
            }
        }
        return Long.MIN_VALUE;
    }

    void clear() {
        java.util.Arrays.fill(present, false);
    }
}
