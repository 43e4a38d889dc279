package dev.gateway.sip.trunk;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-source request budget that blocks a source for a while once it overspends (what Kamailio's {@code pike}
 * module does): each source has a token bucket of {@code perSecond} requests (burst the same); the request that finds
 * it empty starts a block of {@code blockNanos}, during which every request from the source is refused without
 * touching the bucket. A block is reported twice: by {@link #admit} returning {@link Verdict#BLOCK_STARTED} (log it),
 * and by {@link #sweep} once it is over, with the number of requests refused during it.
 *
 * <p>Bounded: at most {@code maxSources} sources are tracked; beyond, the least recently seen one is forgotten (a
 * forgotten blocked source starts again with a full bucket: the price of not letting a spoofed-source flood take the
 * heap). Thread-safe: one lock around a map lookup and a few arithmetic operations; no allocation for a source seen
 * before. Time is the caller's, in nanoseconds.
 */
public final class SourceBlocker {

    /** What {@link #admit} decided. */
    public enum Verdict {
        /** within its budget: go on */
        PASS,
        /** this request overspent the budget: the source is blocked from now on (report it once) */
        BLOCK_STARTED,
        /** the source is blocked: drop silently */
        BLOCKED;

        public boolean dropped() {
            return this != PASS;
        }
    }

    /** A block that {@link #sweep} found over: who, how long, how many requests it refused. */
    public record EndedBlock(InetAddress source, long blockedNanos, long refused) {
    }

    private static final class Source {
        final TokenBucket budget;
        boolean blocked;
        long blockedSinceNanos;
        long blockedUntilNanos;
        long refused;

        Source(TokenBucket budget) {
            this.budget = budget;
        }
    }

    private final int perSecond;
    private final long blockNanos;
    private final Map<InetAddress, Source> sources;
    private final List<EndedBlock> endedUnreported = new ArrayList<>();
    private int blockedCount;

    /**
     * @param perSecond  sustained requests per second per source, at least 1 (the burst is the same)
     * @param blockNanos how long an overspending source stays blocked, at least 1
     * @param maxSources sources tracked at most, at least 1
     */
    public SourceBlocker(int perSecond, long blockNanos, int maxSources) {
        if (perSecond < 1 || blockNanos < 1 || maxSources < 1) {
            throw new IllegalArgumentException("perSecond, blockNanos and maxSources must be at least 1");
        }
        this.perSecond = perSecond;
        this.blockNanos = blockNanos;
        this.sources = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Source> eldest) {
                boolean evict = size() > maxSources;
                if (evict && eldest.getValue().blocked) {
                    blockedCount--;
                }
                return evict;
            }
        };
    }

    /** Spends one request of {@code source}'s budget. */
    public Verdict admit(InetAddress source, long nowNanos) {
        synchronized (sources) {
            Source s = sources.get(source);
            if (s == null) {
                s = new Source(new TokenBucket(perSecond, perSecond, nowNanos));
                sources.put(source, s);
            }
            if (s.blocked) {
                if (nowNanos - s.blockedUntilNanos < 0) {
                    s.refused++;
                    return Verdict.BLOCKED;
                }
                unblock(source, s, nowNanos);
            }
            if (s.budget.tryTake(nowNanos)) {
                return Verdict.PASS;
            }
            s.blocked = true;
            s.blockedSinceNanos = nowNanos;
            s.blockedUntilNanos = nowNanos + blockNanos;
            s.refused = 1;
            blockedCount++;
            return Verdict.BLOCK_STARTED;
        }
    }

    /** True while {@code source} is blocked. */
    public boolean blocked(InetAddress source, long nowNanos) {
        synchronized (sources) {
            Source s = sources.get(source);
            return s != null && s.blocked && nowNanos - s.blockedUntilNanos < 0;
        }
    }

    /** Sources blocked now (including blocks that ran out and were not swept yet). */
    public int blockedSources() {
        synchronized (sources) {
            return blockedCount;
        }
    }

    /** Ends the blocks that are over and returns them (with those that ended in {@link #admit}), each once. */
    public List<EndedBlock> sweep(long nowNanos) {
        synchronized (sources) {
            if (blockedCount > 0) {
                for (Map.Entry<InetAddress, Source> e : sources.entrySet()) {
                    Source s = e.getValue();
                    if (s.blocked && nowNanos - s.blockedUntilNanos >= 0) {
                        unblock(e.getKey(), s, nowNanos);
                    }
                }
            }
            List<EndedBlock> ended = List.copyOf(endedUnreported);
            endedUnreported.clear();
            return ended;
        }
    }

    /** Under the lock: the block is over; the source starts again with a full bucket. */
    private void unblock(InetAddress source, Source s, long nowNanos) {
        if (endedUnreported.size() < 1024) {
            endedUnreported.add(new EndedBlock(source, nowNanos - s.blockedSinceNanos, s.refused));
        }
        s.blocked = false;
        s.refused = 0;
        s.budget.fill(nowNanos);
        blockedCount--;
    }
}
