package dev.gateway.sip.api;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the HTTP API's open connections, in total and per source address, and admits a new one only under both
 * caps. The per-source cap keeps one client (a slowloris, a leaking script) from taking every slot. Bounded: one
 * entry per source with an open connection. Thread-safe (synchronized; called once per connection open and close).
 */
final class ConnectionCap {

    private final int max;
    private final int perSource;
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int total;

    ConnectionCap(int max, int perSource) {
        this.max = max;
        this.perSource = perSource;
    }

    /** Counts a connection from {@code source} and returns true, or returns false (and counts nothing) if over a cap. */
    synchronized boolean admit(InetAddress source) {
        int mine = bySource.getOrDefault(source, 0);
        if (total >= max || mine >= perSource) {
            return false;
        }
        bySource.put(source, mine + 1);
        total++;
        return true;
    }

    /** Forgets an admitted connection from {@code source}. */
    synchronized void release(InetAddress source) {
        Integer mine = bySource.get(source);
        if (mine == null) {
            return;
        }
        if (mine <= 1) {
            bySource.remove(source);
        } else {
            bySource.put(source, mine - 1);
        }
        total--;
    }

    synchronized int total() {
        return total;
    }
}
