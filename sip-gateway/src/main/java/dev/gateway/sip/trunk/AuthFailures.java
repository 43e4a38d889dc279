package dev.gateway.sip.trunk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Password guessing stops here: after {@value #MAX_FAILURES} failed digest answers within {@value #WINDOW_MILLIS} ms
 * from one source address, or for one username, that source (or username) is blocked for {@value #BLOCK_MILLIS} ms:
 * its INVITEs get 403 without a check. Each block is reported once, by {@link #recordFailure} returning true.
 *
 * <p>Bounded: at most {@value #MAX_ENTRIES} sources and as many usernames are tracked (the least recently seen are
 * forgotten). Thread-safe (synchronized; called once per authenticated INVITE, never on the media path). Time is the
 * caller's clock in milliseconds.
 */
public final class AuthFailures {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MILLIS = 60_000;
    static final long BLOCK_MILLIS = 5 * 60_000;
    static final int MAX_ENTRIES = 4096;

    private final Map<String, Entry> bySource = lru();
    private final Map<String, Entry> byUser = lru();

    /** Why {@code source}/{@code user} may not try now ("source 192.0.2.7 blocked ..."), or null. */
    public synchronized String blocked(String source, String user, long nowMillis) {
        Entry s = bySource.get(source);
        if (s != null && s.blockedUntil > nowMillis) {
            return "source " + source + " blocked after " + MAX_FAILURES + " failed authentications";
        }
        Entry u = user == null ? null : byUser.get(user);
        if (u != null && u.blockedUntil > nowMillis) {
            return "username " + user + " blocked after " + MAX_FAILURES + " failed authentications";
        }
        return null;
    }

    /** Counts a failed answer; true when this failure started a block (log it once). */
    public synchronized boolean recordFailure(String source, String user, long nowMillis) {
        boolean started = count(bySource, source, nowMillis);
        if (user != null) {
            started |= count(byUser, user, nowMillis);
        }
        return started;
    }

    private static boolean count(Map<String, Entry> map, String key, long now) {
        Entry e = map.computeIfAbsent(key, k -> new Entry());
        if (now - e.windowStart > WINDOW_MILLIS) {
            e.windowStart = now;
            e.failures = 0;
        }
        e.failures++;
        if (e.failures >= MAX_FAILURES && e.blockedUntil <= now) {
            e.blockedUntil = now + BLOCK_MILLIS;
            e.failures = 0;
            return true;
        }
        return false;
    }

    private static Map<String, Entry> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }

    private static final class Entry {
        long windowStart = Long.MIN_VALUE / 2;
        int failures;
        long blockedUntil;
    }
}
