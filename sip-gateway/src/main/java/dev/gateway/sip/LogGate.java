package dev.gateway.sip;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Which of many similar log lines get written, for what the internet can send us in bulk (garbage, refused
 * connections, forged requests, unauthenticated API calls): per key (a source address, a kind of refusal) at most
 * one line per interval; the events held back meanwhile are counted and handed to the next line of that key. Keys
 * are bounded: when {@code maxKeys} are tracked, the expired ones are forgotten, and if none has expired the newcomers
 * share one key ({@link #OVERFLOW_KEY}), so a flood from many addresses still costs one line per interval.
 *
 * <p>Thread-safe and lock-free; a held-back event of a known key allocates nothing. Time is injected.
 */
public final class LogGate {
    /** The key newcomers share while {@code maxKeys} keys are tracked and none has expired. */
    public static final String OVERFLOW_KEY = "other sources";

    private final long intervalNanos;
    private final int maxKeys;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, Key> keys = new ConcurrentHashMap<>();

    private static final class Key {
        final AtomicLong nextLine;
        final AtomicLong held = new AtomicLong();

        Key(long now) {
            nextLine = new AtomicLong(now);
        }
    }

    /**
     * @param intervalNanos at most one line per key this often
     * @param maxKeys       keys tracked at most, e.g. 4096 source addresses
     * @param nanos         the clock, e.g. {@code System::nanoTime}
     */
    public LogGate(long intervalNanos, int maxKeys, LongSupplier nanos) {
        if (intervalNanos <= 0 || maxKeys < 1) {
            throw new IllegalArgumentException("intervalNanos > 0 and maxKeys >= 1 required");
        }
        this.intervalNanos = intervalNanos;
        this.maxKeys = maxKeys;
        this.nanos = nanos;
    }

    /**
     * Counts one event of {@code key}.
     *
     * @return -1 when its line is held back (a line of this key was written within the interval); otherwise the
     *         number of events of this key held back since its previous line, for the line about to be written
     */
    public long admit(String key) {
        long now = nanos.getAsLong();
        Key k = keys.get(key);
        if (k == null) {
            if (keys.size() >= maxKeys) {
                keys.values().removeIf(old -> now - old.nextLine.get() >= 0);
            }
            k = keys.size() < maxKeys ? keys.computeIfAbsent(key, x -> new Key(now))
                    : keys.computeIfAbsent(OVERFLOW_KEY, x -> new Key(now));
        }
        long held = k.held.incrementAndGet();
        long next = k.nextLine.get();
        if (now - next < 0 || !k.nextLine.compareAndSet(next, now + intervalNanos)) {
            return -1;
        }
        k.held.addAndGet(-held);
        return held - 1;
    }
}
