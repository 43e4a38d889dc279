package dev.gateway.sip.api;

import dev.gateway.sip.LogGate;
import java.net.InetSocketAddress;

/**
 * Counts what the HTTP API refuses or cuts off (connections over the caps, slow requests, bad Host, missing
 * credentials) and logs each kind at most once per {@link #INTERVAL_NANOS} ({@link LogGate}): the count since the
 * last line and the latest source, so a flood costs one log line per kind per interval. Thread-safe.
 */
final class HttpRefusals {

    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final System.Logger log;
    private final LogGate lines = new LogGate(INTERVAL_NANOS, 64, System::nanoTime);

    HttpRefusals(System.Logger log) {
        this.log = log;
    }

    void count(String kind, InetSocketAddress source) {
        long heldBack = lines.admit(kind);
        if (heldBack >= 0) {
            log.log(System.Logger.Level.WARNING, "HTTP: " + (heldBack + 1) + " " + kind + " in the last "
                    + INTERVAL_NANOS / 1_000_000_000L + " s (latest from " + source.getAddress().getHostAddress() + ")");
        }
    }
}
