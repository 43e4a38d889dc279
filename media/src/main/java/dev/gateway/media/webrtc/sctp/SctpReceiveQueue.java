package dev.gateway.media.webrtc.sctp;

import dev.gateway.media.webrtc.sctp.SctpSackChunk.GapBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The receiving half of an association's TSN space (RFC 4960 §6.2): the cumulative TSN, TSNs received above a
 * hole, duplicates to report, and the SACK that describes them. TSNs are unwrapped to {@code long}s around the
 * cumulative TSN.
 *
 * <p>Not thread-safe: loop-confined to its association.
 */
final class SctpReceiveQueue {

    /** What happened to one DATA chunk. */
    enum Verdict { NEW, DUPLICATE, OUT_OF_WINDOW }

    /** Gap blocks per SACK, so a SACK fits the MTU with room to spare. */
    private static final int MAX_GAP_BLOCKS = 64;
    private static final int MAX_DUPLICATES = 32;
    /** How far above the cumulative TSN a TSN may be: a 1 MiB window of small chunks, with margin. */
    private static final long MAX_TSN_AHEAD = 1 << 16;

    private final TreeSet<Long> aboveCumulative = new TreeSet<>();
    private final List<Integer> duplicates = new ArrayList<>();
    private long cumulativeTsn;

    SctpReceiveQueue(int peerInitialTsn) {
        this.cumulativeTsn = Integer.toUnsignedLong(peerInitialTsn) - 1;
    }

    long unwrap(int tsn) {
        return cumulativeTsn + (int) (tsn - (int) cumulativeTsn);
    }

    /** Records a DATA chunk's TSN (already unwrapped). Only NEW chunks go on to reassembly. */
    Verdict receive(long tsn) {
        if (tsn <= cumulativeTsn || aboveCumulative.contains(tsn)) {
            if (duplicates.size() < MAX_DUPLICATES) {
                duplicates.add((int) tsn);
            }
            return Verdict.DUPLICATE;
        }
        if (tsn - cumulativeTsn > MAX_TSN_AHEAD) {
            return Verdict.OUT_OF_WINDOW;
        }
        aboveCumulative.add(tsn);
        advance();
        return Verdict.NEW;
    }

    /** FORWARD TSN: every TSN up to {@code newCumulative} counts as received. False when it is not news. */
    boolean forward(long newCumulative) {
        if (newCumulative <= cumulativeTsn) {
            return false;
        }
        aboveCumulative.headSet(newCumulative, true).clear();
        cumulativeTsn = newCumulative;
        advance();
        return true;
    }

    private void advance() {
        while (!aboveCumulative.isEmpty() && aboveCumulative.first() == cumulativeTsn + 1) {
            cumulativeTsn = aboveCumulative.pollFirst();
        }
    }

    /** True when TSNs are missing below some received one: SACK at once (§6.7). */
    boolean hasGaps() {
        return !aboveCumulative.isEmpty();
    }

    /** Builds the SACK for the current state and forgets the reported duplicates. */
    SctpSackChunk sack(long advertisedWindow) {
        List<GapBlock> blocks = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (long t : aboveCumulative) {
            if (t - cumulativeTsn > 0xFFFF || blocks.size() == MAX_GAP_BLOCKS) {
                break;
            }
            if (start >= 0 && t == end + 1) {
                end = t;
                continue;
            }
            if (start >= 0) {
                blocks.add(new GapBlock((int) (start - cumulativeTsn), (int) (end - cumulativeTsn)));
            }
            start = t;
            end = t;
        }
        if (start >= 0 && blocks.size() < MAX_GAP_BLOCKS) {
            blocks.add(new GapBlock((int) (start - cumulativeTsn), (int) (end - cumulativeTsn)));
        }
        SctpSackChunk sack = new SctpSackChunk((int) cumulativeTsn, advertisedWindow, blocks, duplicates);
        duplicates.clear();
        return sack;
    }

    /** Wire form of the cumulative TSN. */
    int cumulativeTsn() {
        return (int) cumulativeTsn;
    }

    long cumulativeTsnUnwrapped() {
        return cumulativeTsn;
    }
}
