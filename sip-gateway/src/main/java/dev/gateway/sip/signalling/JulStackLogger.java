package dev.gateway.sip.signalling;

import gov.nist.core.StackLogger;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes JAIN-SIP RI's internal logging to java.util.logging ("jain-sip"), so log4j stays out of the runtime.
 * The RI is chatty: its debug and trace output only appears with {@code -Djain-sip.debug=true}. Thread-safe.
 */
public final class JulStackLogger implements StackLogger {
    private static final Logger LOG = Logger.getLogger("jain-sip");
    private static final boolean DEBUG = Boolean.getBoolean("jain-sip.debug");

    @Override public void logStackTrace() { }
    @Override public void logStackTrace(int traceLevel) { }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable ex) { LOG.log(Level.FINE, "jain-sip exception: " + ex); }
    @Override public void logDebug(String message) { if (DEBUG) { LOG.info(message); } }
    @Override public void logDebug(String message, Exception ex) { if (DEBUG) { LOG.info(message + ": " + ex); } }
    @Override public void logTrace(String message) { if (DEBUG) { LOG.info(message); } }
    @Override public void logFatalError(String message) { LOG.severe(message); }
    @Override public void logError(String message) { LOG.warning(message); }
    @Override public boolean isLoggingEnabled() { return DEBUG; }
    @Override public boolean isLoggingEnabled(int logLevel) { return DEBUG || logLevel <= TRACE_ERROR; }
    @Override public void logError(String message, Exception ex) { LOG.warning(message + ": " + ex); }
    @Override public void logWarning(String message) { LOG.fine(message); }
    @Override public void logInfo(String message) { LOG.fine(message); }
    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties stackProperties) { }
    @Override public String getLoggerName() { return "jain-sip"; }
}
