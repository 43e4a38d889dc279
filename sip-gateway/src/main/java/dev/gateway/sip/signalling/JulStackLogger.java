package dev.gateway.sip.signalling;

import gov.nist.core.StackLogger;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes JAIN-SIP RI's internal logging to java.util.logging ("jain-sip"), so log4j stays out of the runtime.
 * The RI is chatty: its debug and trace output only appears with {@code -Djain-sip.debug=true}.
 *
 * <p>What it logs as errors is mostly the peer's fault (a datagram that broke its parser, a connection reset), and
 * some of its messages carry a whole 64 KB receive buffer. So each line is cut to {@value #MAX_LINE_CHARS}
 * characters on one line, with the exception's class and message but never its stack, and each kind of message
 * (its first words) is logged at most once per {@value #INTERVAL_SECONDS} s, with the number held back. Exceptions
 * the gateway has already counted and logged itself ({@link SipStreamException}, {@link TcpConnectionRefused}) are
 * not logged again.
 *
 * <p>Thread-safe; the per-kind state is bounded ({@value #MAX_KINDS} kinds, then one shared entry).
 */
public final class JulStackLogger implements StackLogger {
    static final int MAX_LINE_CHARS = 300;
    static final long INTERVAL_SECONDS = 10;
    static final int MAX_KINDS = 256;
    private static final int KIND_CHARS = 40;
    private static final Logger LOG = Logger.getLogger("jain-sip");
    private static final boolean DEBUG = Boolean.getBoolean("jain-sip.debug");

    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

    @Override public void logStackTrace() { }
    @Override public void logStackTrace(int traceLevel) { }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable ex) { LOG.log(Level.FINE, "jain-sip exception: " + ex); }
    @Override public void logDebug(String message) { if (DEBUG) { LOG.info(message); } }
    @Override public void logDebug(String message, Exception ex) { if (DEBUG) { LOG.info(message + ": " + ex); } }
    @Override public void logTrace(String message) { if (DEBUG) { LOG.info(message); } }
    @Override public void logFatalError(String message) { limited(Level.SEVERE, message, null); }
    @Override public void logError(String message) { limited(Level.WARNING, message, null); }
    @Override public boolean isLoggingEnabled() { return DEBUG; }
    @Override public boolean isLoggingEnabled(int logLevel) { return DEBUG || logLevel <= TRACE_ERROR; }
    @Override public void logError(String message, Exception ex) { limited(Level.WARNING, message, ex); }
    @Override public void logWarning(String message) { LOG.fine(message); }
    @Override public void logInfo(String message) { LOG.fine(message); }
    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties stackProperties) { }
    @Override public String getLoggerName() { return "jain-sip"; }

    private void limited(Level level, String message, Throwable ex) {
        if (ex instanceof SipStreamException || ex instanceof TcpConnectionRefused) {
            return;
        }
        if (!LOG.isLoggable(level)) {
            return;
        }
        String text = String.valueOf(message);
        String key = kindOf(text);
        Kind kind = kinds.get(key);
        if (kind == null) {
            kind = kinds.size() < MAX_KINDS ? kinds.computeIfAbsent(key, k -> new Kind()) : kinds.computeIfAbsent("", k -> new Kind());
        }
        long now = System.nanoTime();
        long held = kind.held.incrementAndGet();
        long next = kind.nextLine.get();
        if (now - next < 0 || !kind.nextLine.compareAndSet(next, now + INTERVAL_SECONDS * 1_000_000_000L)) {
            return;
        }
        kind.held.addAndGet(-held);
        LOG.log(level, line(text, ex) + (held > 1 ? " (" + (held - 1) + " more like it held back)" : ""));
    }

    /** The message's first words with digits removed: "Problem connecting 10.0.0.1 5060" and "... 10.0.0.2" are one kind. */
    static String kindOf(String message) {
        String head = message.length() > KIND_CHARS ? message.substring(0, KIND_CHARS) : message;
        return head.replaceAll("[0-9]", "");
    }

    /** One line of at most {@value #MAX_LINE_CHARS} characters: the message, then the exception's class and message. */
    static String line(String message, Throwable ex) {
        String text = ex == null ? message : message + ": " + ex;
        text = text.replaceAll("[\\r\\n\\t]+", " ");
        return text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) + "..." : text;
    }

    private static final class Kind {
        final AtomicLong nextLine = new AtomicLong(System.nanoTime());
        final AtomicLong held = new AtomicLong();
    }
}
