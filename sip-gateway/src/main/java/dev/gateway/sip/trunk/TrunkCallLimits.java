package dev.gateway.sip.trunk;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Counts each outbound trunk's calls against its {@link DialPolicy} caps: calls up at once, and new calls per minute
 * (a token bucket of {@code maxCallsPerMinute} tokens refilled evenly over 60 s, so a burst of that size is allowed
 * and then one call every {@code 60 / max} seconds). Time is given by the caller in nanoseconds.
 *
 * <p>Thread-safe (one lock; the work under it is a map lookup and a few arithmetic operations). The map holds one
 * entry per trunk that placed a call; {@link #retainOnly} drops trunks that no longer exist once their calls ended.
 */
public final class TrunkCallLimits {
    private static final class Usage {
        int active;
        TokenBucket perMinute; // made at the first call under a per-minute cap
        int perMinuteMax;
    }

    private final Map<String, Usage> usage = new HashMap<>();

    /**
     * Takes a call slot on {@code trunkId} if both caps allow it; the caller must call {@link #finished} once that
     * call has ended.
     *
     * @return null when admitted, otherwise why not (which cap, and its value)
     */
    public synchronized String tryStart(String trunkId, DialPolicy policy, long nowNanos) {
        Usage u = usage.computeIfAbsent(trunkId, id -> new Usage());
        if (policy.maxConcurrentCalls() > 0 && u.active >= policy.maxConcurrentCalls()) {
            return "max_concurrent_calls " + policy.maxConcurrentCalls() + " reached";
        }
        if (policy.maxCallsPerMinute() > 0) {
            int max = policy.maxCallsPerMinute();
            if (u.perMinute == null || u.perMinuteMax != max) { // first call, or the cap was changed
                u.perMinute = new TokenBucket(max / 60.0, max, nowNanos);
                u.perMinuteMax = max;
            }
            if (!u.perMinute.tryTake(nowNanos)) {
                return "max_calls_per_minute " + max + " reached";
            }
        }
        u.active++;
        return null;
    }

    /** A call admitted by {@link #tryStart} has ended. */
    public synchronized void finished(String trunkId) {
        Usage u = usage.get(trunkId);
        if (u != null && u.active > 0) {
            u.active--;
        }
    }

    /** Calls up on {@code trunkId} now. */
    public synchronized int active(String trunkId) {
        Usage u = usage.get(trunkId);
        return u == null ? 0 : u.active;
    }

    /** Forgets trunks not in {@code trunkIds} that have no call up (deleted through the SIP API). */
    public synchronized void retainOnly(Set<String> trunkIds) {
        usage.entrySet().removeIf(e -> e.getValue().active == 0 && !trunkIds.contains(e.getKey()));
    }

    /** Trunks tracked (for tests). */
    synchronized int tracked() {
        return usage.size();
    }
}
