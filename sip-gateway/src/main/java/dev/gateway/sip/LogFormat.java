package dev.gateway.sip;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.StreamHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stdout: {@code 2026-11-25T07:50:00.123Z INFO  call  [c-1a2b3c] answered ...}. Stack traces
 * only for unexpected failures (records that carry a throwable).
 */
final class LogFormat extends Formatter {
    private LogFormat() {
    }

    static void install() {
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        // A StreamHandler on stdout that flushes every line (ConsoleHandler would write to, and close, stderr).
        StreamHandler out = new StreamHandler(System.out, new LogFormat()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        out.setLevel(Level.ALL);
        root.addHandler(out);
        root.setLevel(Boolean.getBoolean("gateway.debug") ? Level.FINE : Level.INFO);
        Logger.getLogger("jain-sip").setLevel(Level.WARNING);
    }

    @Override
    public String format(LogRecord r) {
        String level = switch (r.getLevel().getName()) {
            case "SEVERE" -> "ERROR";
            case "WARNING" -> "WARN ";
            case "INFO" -> "INFO ";
            default -> "DEBUG";
        };
        StringBuilder line = new StringBuilder(128).append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                .append(level).append(' ').append(String.format("%-6s", r.getLoggerName())).append(' ')
                .append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
