package dev.gateway.sip.trunk;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token bucket per source address, e.g. INVITEs per second per source. Thread-safe (one lock; the work under it
 * is a map lookup and a few arithmetic operations). Time is given by the caller in nanoseconds.
 *
 * <p>The map is bounded: beyond {@code maxSources} the least recently seen source is forgotten. A forgotten source
 * starts again with a full bucket, which is what an idle source would have anyway.
 */
public final class RateLimiter {

    private final double ratePerNano;
    private final double burst;
    private final boolean unlimited;
    private final Map<InetAddress, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    /**
     * @param perSecond  sustained rate; 0 = unlimited
     * @param burst      bucket size (at least 1)
     * @param maxSources how many sources are tracked at most, e.g. 10_000
     */
    public RateLimiter(double perSecond, double burst, int maxSources) {
        if (perSecond < 0 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("perSecond >= 0, burst >= 1, maxSources >= 1 required");
        }
        this.unlimited = perSecond == 0;
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** A limiter allowing {@code perSecond} with a burst of the same size, tracking 10 000 sources. */
    public static RateLimiter perSecond(int perSecond) {
        return new RateLimiter(perSecond, Math.max(1, perSecond), 10_000);
    }

    /** Takes one token for {@code src} if available. */
    public boolean tryAcquire(InetAddress src, long nowNanos) {
        if (unlimited) {
            return true;
        }
        synchronized (buckets) {
            Bucket b = buckets.get(src);
            if (b == null) {
                b = new Bucket();
                b.tokens = burst;
                b.lastNanos = nowNanos;
                buckets.put(src, b);
            } else {
                long elapsed = Math.max(0, nowNanos - b.lastNanos);
                b.tokens = Math.min(burst, b.tokens + elapsed * ratePerNano);
                b.lastNanos = nowNanos;
            }
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Number of sources currently tracked (for stats and tests). */
    public int trackedSources() {
        synchronized (buckets) {
            return buckets.size();
        }
    }
}
