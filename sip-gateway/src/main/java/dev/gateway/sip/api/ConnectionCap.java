package dev.gateway.sip.api;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Counts the HTTP API's open connections, in total and per source address. A new connection from a source at its
 * own cap is refused: one client (a slowloris, a leaking script) cannot take every slot. When only the total cap is
 * reached, the oldest connection that is not being served (idle, or still sending its request) is closed to make
 * room, so a newcomer such as a health probe gets in even while many sources hold connections; if every
 * connection is being served the newcomer is refused. Bounded: one entry per open connection. Thread-safe
 * (synchronized; called once per connection open and close).
 *
 * @param <C> the connection type (a Netty channel; anything in tests)
 */
final class ConnectionCap<C> {

    private final int max;
    private final int perSource;
    private final Predicate<C> evictable;
    private final Consumer<C> evict;
    private final Map<C, InetAddress> open = new LinkedHashMap<>(); // in admission order: oldest first
    private final Map<InetAddress, Integer> bySource = new HashMap<>();

    /**
     * @param evictable whether a connection may be closed to make room (not while its request is served)
     * @param evict     closes a connection chosen to make room; it need not call {@link #release}
     */
    ConnectionCap(int max, int perSource, Predicate<C> evictable, Consumer<C> evict) {
        this.max = max;
        this.perSource = perSource;
        this.evictable = evictable;
        this.evict = evict;
    }

    /** Counts {@code conn} from {@code source} and returns true, or returns false (and counts nothing). */
    boolean admit(C conn, InetAddress source) {
        C victim = null;
        synchronized (this) {
            int mine = bySource.getOrDefault(source, 0);
            if (mine >= perSource) {
                return false;
            }
            if (open.size() >= max) {
                victim = oldestEvictable();
                if (victim == null) {
                    return false;
                }
                release(victim);
            }
            open.put(conn, source);
            bySource.merge(source, 1, Integer::sum);
        }
        if (victim != null) {
            evict.accept(victim);
        }
        return true;
    }

    /** Forgets {@code conn}; nothing if it was never admitted or is already forgotten. */
    synchronized void release(C conn) {
        InetAddress source = open.remove(conn);
        if (source != null) {
            bySource.computeIfPresent(source, (s, n) -> n <= 1 ? null : n - 1);
        }
    }

    synchronized int total() {
        return open.size();
    }

    private C oldestEvictable() {
        for (Iterator<C> it = open.keySet().iterator(); it.hasNext(); ) {
            C c = it.next();
            if (evictable.test(c)) {
                return c;
            }
        }
        return null;
    }
}
