package dev.gateway.sip.api;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts what the HTTP API refuses or cuts off (connections over the caps, slow requests, bad Host, missing
 * credentials) and logs each kind at most once per {@link #INTERVAL_NANOS}: the count since the last line and the
 * latest source, so a flood costs one log line per kind per interval. Thread-safe (synchronized).
 */
final class RefusalLog {

    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final System.Logger log;
    private final Map<String, long[]> byKind = new LinkedHashMap<>(); // kind -> {count, last log time}

    RefusalLog(System.Logger log) {
        this.log = log;
    }

    synchronized void count(String kind, InetSocketAddress source) {
        long now = System.nanoTime();
        long[] entry = byKind.computeIfAbsent(kind, k -> new long[] {0, now - INTERVAL_NANOS});
        entry[0]++;
        if (now - entry[1] >= INTERVAL_NANOS) {
            log.log(System.Logger.Level.WARNING, "HTTP: " + entry[0] + " " + kind + " in the last "
                    + INTERVAL_NANOS / 1_000_000_000L + " s (latest from " + source.getAddress().getHostAddress() + ")");
            entry[0] = 0;
            entry[1] = now;
        }
    }
}
