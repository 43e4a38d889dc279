package dev.gateway.media.webrtc.srtp;

/**
 * Per-SSRC index state of one direction and packet kind of a {@link SrtpContext}: the highest packet index
 * seen or sent (for SRTP the 48-bit ROC||SEQ, RFC 3711 §3.3.1; for SRTCP the 31-bit SRTCP index) and the
 * 64-packet replay bitmap below it (§3.3.2). Up to {@link #CAPACITY} SSRCs in parallel arrays, found by a linear
 * scan, so nothing is boxed or allocated per packet; when full, the least recently used SSRC is forgotten.
 *
 * <p>Receivers create an entry only once a packet has authenticated, so forged packets with random SSRCs
 * cannot push real streams out.
 *
 * <p>Mutable; neither thread-safe nor meant to be shared. Confined to the owning context's event loop.
 */
final class SrtpStreamTable {

    /** Most SSRCs tracked at once; a WebRTC transport for one call carries a handful. */
    static final int CAPACITY = 16;
    /** Replay window width in packets (RFC 3711 §3.3.2 asks for at least 64). */
    static final int WINDOW = Long.SIZE;
    /** {@link #highest} of an entry that has not accepted any index yet. */
    static final long NONE = -1;

    private static final int SEQ_MASK = 0xFFFF;
    private static final int SEQ_HALF = 0x8000;
    private static final int SEQ_BITS = 16;

    private final int[] ssrcs = new int[CAPACITY];
    private final long[] highest = new long[CAPACITY];
    private final long[] windows = new long[CAPACITY];
    private final long[] lastUse = new long[CAPACITY];
    private int size;
    private long clock;

    /** Slot of {@code ssrc}, or -1. */
    int find(int ssrc) {
        for (int i = 0; i < size; i++) {
            if (ssrcs[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    /** Slot of {@code ssrc}, created empty ({@link #NONE}) if absent, evicting the least recently used if full. */
    int findOrInsert(int ssrc) {
        final int found = find(ssrc);
        if (found >= 0) {
            return found;
        }
        int slot;
        if (size < CAPACITY) {
            slot = size++;
        } else {
            slot = 0;
            for (int i = 1; i < CAPACITY; i++) {
                if (lastUse[i] < lastUse[slot]) {
                    slot = i;
                }
            }
        }
        ssrcs[slot] = ssrc;
        highest[slot] = NONE;
        windows[slot] = 0;
        lastUse[slot] = ++clock;
        return slot;
    }

    long highest(int slot) {
        return highest[slot];
    }

    /**
     * The 48-bit index of an SRTP packet with sequence number {@code seq} relative to the highest index seen in
     * {@code slot} (RFC 3711 §3.3.1, Appendix A): the ROC guess v is ROC-1, ROC or ROC+1, whichever puts the
     * packet nearest s_l. A stream with no index yet starts at ROC 0. The result is negative when v would be
     * -1 (a packet from before the first one accepted).
     */
    long estimateRtpIndex(int slot, int seq) {
        final long top = slot < 0 ? NONE : highest[slot];
        if (top == NONE) {
            return seq;
        }
        final long roc = top >>> SEQ_BITS;
        final int sl = (int) (top & SEQ_MASK);
        long v = roc;
        if (sl < SEQ_HALF) {
            if (seq - sl > SEQ_HALF) {
                v = roc - 1;
            }
        } else if (sl - SEQ_HALF > seq) {
            v = roc + 1;
        }
        return (v << SEQ_BITS) | seq;
    }

    /**
     * True when {@code index} must be dropped as a replay: it is below zero, already accepted, or 64 or more
     * behind the highest (RFC 3711 §3.3.2). An SSRC without a slot ({@code slot < 0}) has seen nothing.
     */
    boolean isReplayed(int slot, long index) {
        if (index < 0) {
            return true;
        }
        if (slot < 0 || highest[slot] == NONE) {
            return false;
        }
        final long delta = index - highest[slot];
        if (delta > 0) {
            return false;
        }
        if (-delta >= WINDOW) {
            return true;
        }
        return ((windows[slot] >>> -delta) & 1L) != 0;
    }

    /** Overwrites the highest index without touching the window: the last SRTCP index sent, which wraps. */
    void set(int slot, long index) {
        lastUse[slot] = ++clock;
        highest[slot] = index;
    }

    /** Records {@code index} as received or sent: raises the highest and slides the window, or marks the bit. */
    void accept(int slot, long index) {
        lastUse[slot] = ++clock;
        final long top = highest[slot];
        if (top == NONE || index > top) {
            final long delta = top == NONE ? WINDOW : index - top;
            windows[slot] = delta >= WINDOW ? 1L : (windows[slot] << delta) | 1L;
            highest[slot] = index;
        } else {
            final long behind = top - index;
            if (behind < WINDOW) {
                windows[slot] |= 1L << behind;
            }
        }
    }
}
