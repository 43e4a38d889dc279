package dev.gateway.sip.call;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound dialogs admitted but not confirmed yet (ringing, or our 200 sent and no ACK): how many in all and per
 * source. A flood whose 200s are never ACKed holds these, not {@code maxCalls} slots alone: at {@code max} in all, or
 * {@code maxPerSource} from a source that no trunk lists, new INVITEs are dropped before a transaction exists.
 * A slot is given back on the ACK or when the call ends.
 *
 * <p>The last fifth of the slots ({@link #reservedForKnown}) is kept for known sources: those a trunk lists, and
 * those that ACKed one of our 200s before (a source that answered proved it receives what we send there; a spoofed
 * or hit-and-run source never does). So a flood from more sources than the per-source cap can absorb still leaves
 * room for the trunk and for callers who called before; only callers new to an open gateway wait for it to pass.
 *
 * <p>Bounded: a source is tracked only while it holds a slot (at most {@code max} entries), plus at most
 * {@value #MAX_PROVEN} proven sources (the least recently proven are forgotten). Thread-safe (one lock around map
 * lookups; called once per INVITE and once per ACK or end).
 */
final class UnconfirmedDialogs {
    static final int MAX_PROVEN = 4096;

    private final int max;
    private final int reservedForKnown;
    private final int maxPerSource;
    private final Map<InetAddress, int[]> bySource = new HashMap<>();
    private final Map<InetAddress, Boolean> proven = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Boolean> eldest) {
            return size() > MAX_PROVEN;
        }
    };
    private int total;

    /**
     * @param max          unconfirmed dialogs in all, at least 1
     * @param maxPerSource unconfirmed dialogs of one unlisted source, at least 1
     */
    UnconfirmedDialogs(int max, int maxPerSource) {
        if (max < 1 || maxPerSource < 1) {
            throw new IllegalArgumentException("max and maxPerSource must be at least 1");
        }
        this.max = max;
        this.maxPerSource = maxPerSource;
        this.reservedForKnown = max / 5;
    }

    /**
     * True when a dialog from {@code source} would not get a slot now ({@code listed}: a trunk lists it, so no
     * per-source cap and the reserved slots are open to it).
     */
    synchronized boolean full(InetAddress source, boolean listed) {
        if (total >= max) {
            return true;
        }
        if (!listed && total >= max - reservedForKnown && !proven.containsKey(source)) {
            return true;
        }
        int[] n = listed ? null : bySource.get(source);
        return n != null && n[0] >= maxPerSource;
    }

    /** Takes a slot for {@code source}; false when {@link #full} says so. Pair with {@link #release}. */
    synchronized boolean acquire(InetAddress source, boolean listed) {
        if (full(source, listed)) {
            return false;
        }
        bySource.computeIfAbsent(source, s -> new int[1])[0]++;
        total++;
        return true;
    }

    /** The dialog was ACKed: its slot goes back and its source counts as proven from now on. */
    synchronized void confirm(InetAddress source) {
        release(source);
        proven.put(source, Boolean.TRUE);
    }

    /** Gives back a slot taken by {@link #acquire}. */
    synchronized void release(InetAddress source) {
        int[] n = bySource.get(source);
        if (n == null) {
            throw new IllegalStateException("release without a slot for " + source.getHostAddress());
        }
        if (--n[0] == 0) {
            bySource.remove(source);
        }
        total--;
    }

    synchronized int total() {
        return total;
    }

    synchronized int sources() {
        return bySource.size();
    }

    /** Slots only known sources (listed or proven) may take: a fifth of {@code max}. */
    int reservedForKnown() {
        return reservedForKnown;
    }
}
