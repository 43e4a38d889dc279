package dev.gateway.sip.call;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Inbound dialogs admitted but not confirmed yet (ringing, or our 200 sent and no ACK): how many in all and per
 * source. A flood whose 200s are never ACKed holds these, not {@code maxCalls} slots alone: at {@code max} in all, or
 * {@code maxPerSource} from a source that no trunk lists, new INVITEs are dropped before a transaction exists.
 * A slot is given back on the ACK or when the call ends.
 *
 * <p>Bounded by construction: a source is tracked only while it holds a slot, so at most {@code max} entries.
 * Thread-safe (one lock around a map lookup; called once per INVITE and once per ACK or end).
 */
final class UnconfirmedDialogs {
    private final int max;
    private final int maxPerSource;
    private final Map<InetAddress, int[]> bySource = new HashMap<>();
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
    }

    /** True when a dialog from {@code source} would not get a slot now ({@code listed}: no per-source cap). */
    synchronized boolean full(InetAddress source, boolean listed) {
        if (total >= max) {
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
}
