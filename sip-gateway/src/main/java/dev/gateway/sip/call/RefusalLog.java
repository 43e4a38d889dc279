package dev.gateway.sip.call;

import java.util.function.LongSupplier;

/**
 * WARNING lines for refused calls and transfers (toll-fraud guards): one line per refusal, naming trunk and number,
 * but at most {@value #LINES_PER_INTERVAL} per {@value #INTERVAL_SECONDS} s, so a stolen token looping on refused
 * requests cannot flood the log. Refusals over that budget are counted, and the next line that is written says how
 * many were left out.
 *
 * <p>Thread-safe (one lock around a few counters; refusals are not on a media path). Time is injected.
 */
final class RefusalLog {
    static final int LINES_PER_INTERVAL = 10;
    static final long INTERVAL_SECONDS = 10;
    private static final long INTERVAL_NANOS = INTERVAL_SECONDS * 1_000_000_000L;

    private final System.Logger log;
    private final LongSupplier nanos;
    private long windowStartNanos;
    private boolean started;
    private int linesInWindow;
    private long leftOut;

    RefusalLog(System.Logger log, LongSupplier nanos) {
        this.log = log;
        this.nanos = nanos;
    }

    /** Logs {@code line} as a WARNING, or counts it when this interval's lines are used up. */
    void refused(String line) {
        String out = admit(line);
        if (out != null) {
            log.log(System.Logger.Level.WARNING, out);
        }
    }

    /** The line to write (with the count of lines left out before it), or null when over budget. */
    synchronized String admit(String line) {
        long now = nanos.getAsLong();
        if (!started || now - windowStartNanos >= INTERVAL_NANOS) {
            started = true;
            windowStartNanos = now;
            linesInWindow = 0;
        }
        if (linesInWindow >= LINES_PER_INTERVAL) {
            leftOut++;
            return null;
        }
        linesInWindow++;
        if (leftOut == 0) {
            return line;
        }
        String out = line + " (" + leftOut + " more refusal(s) not logged before this one)";
        leftOut = 0;
        return out;
    }
}
