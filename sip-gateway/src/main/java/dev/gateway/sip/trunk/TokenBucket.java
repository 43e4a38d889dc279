package dev.gateway.sip.trunk;

/**
 * One token bucket: new INVITEs per second from all sources together, one source's request budget
 * ({@link SourceBlocker}), a trunk's calls per minute ({@link TrunkCallLimits}). Thread-safe (a lock around a few
 * arithmetic operations). Time is the caller's, in nanoseconds.
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    /**
     * @param perSecond sustained rate, above 0 (e.g. 0.5 for 30 a minute)
     * @param burst     bucket size, at least 1 (full at the start)
     * @param nowNanos  now, on the clock later calls give
     */
    public TokenBucket(double perSecond, double burst, long nowNanos) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("perSecond must be above 0 and burst at least 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Fills the bucket again, as if it had been idle since forever. */
    public synchronized void fill(long nowNanos) {
        tokens = burst;
        lastNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    public synchronized boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + Math.max(0, nowNanos - lastNanos) * perNano);
        lastNanos = Math.max(lastNanos, nowNanos); // threads may bring their times slightly out of order
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
