package dev.gateway.sip.signalling;

import dev.gateway.sip.LogGate;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Bad transport input (connections over a cap, broken SIP/TCP streams, garbage the stack drops): counted, and
 * logged at most once per source and {@value #LOG_INTERVAL_SECONDS} s, each line with the number held back since
 * the previous one, never with a stack trace. The per-source state is bounded ({@value #MAX_SOURCES} addresses,
 * {@link LogGate}); past that, the other sources share one line per interval.
 *
 * <p>Thread-safe: the selector, the stack's workers and its timer report concurrently.
 */
final class TransportAbuse {
    static final long LOG_INTERVAL_SECONDS = 10;
    static final int MAX_SOURCES = 4096;
    private static final long INTERVAL_NANOS = LOG_INTERVAL_SECONDS * 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger("sip");

    /** What went wrong; the text starts the log line. */
    enum Kind {
        REFUSED_CONNECTION("refused TCP connection"),
        BAD_STREAM("closed TCP connection with bad SIP"),
        BAD_DATAGRAM("dropped or answered 400 a bad SIP datagram");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder badStreams = new LongAdder();
    private final LongAdder badDatagrams = new LongAdder();
    private final LogGate lines;

    TransportAbuse(LongSupplier nanoClock) {
        this.lines = new LogGate(INTERVAL_NANOS, MAX_SOURCES, nanoClock);
    }

    /**
     * Counts one event from {@code source} and logs it unless a line for this source was logged lately.
     *
     * @return whether a line was logged
     */
    boolean report(Kind kind, String source, String reason) {
        switch (kind) {
            case REFUSED_CONNECTION -> refusedConnections.increment();
            case BAD_STREAM -> badStreams.increment();
            case BAD_DATAGRAM -> badDatagrams.increment();
        }
        long heldBack = lines.admit(source);
        if (heldBack < 0) {
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, kind.text + " from " + source + ": " + printable(reason)
                + (heldBack > 0 ? " (and " + heldBack + " more held back since the previous line)" : ""));
        return true;
    }

    /** The reason as the peer's bytes may have made it: printable ASCII only, at most 120 characters. */
    static String printable(String reason) {
        StringBuilder b = new StringBuilder(Math.min(reason.length(), 121));
        for (int i = 0; i < reason.length() && b.length() < 120; i++) {
            char c = reason.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.length() < reason.length() ? b.append("...").toString() : b.toString();
    }

    long refusedConnections() {
        return refusedConnections.sum();
    }

    long badStreams() {
        return badStreams.sum();
    }

    long badDatagrams() {
        return badDatagrams.sum();
    }
}
