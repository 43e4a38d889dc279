package dev.gateway.sip;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.StreamHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stdout, in one of two formats ({@code log.format}):
 * <ul>
 *   <li>text (default): {@code 2026-11-25T07:50:00.123Z INFO  call  [c-1a2b3c] answered ...}, stack traces (only
 *       for unexpected failures: records that carry a throwable) on the lines after;</li>
 *   <li>json: {@code {"time":"2026-11-25T07:50:00.123Z","level":"INFO","logger":"call","callId":"c-1a2b3c",
 *       "message":"answered ..."}}, one object per line; {@code callId} only for a call's events (the message's
 *       leading {@code [c-…]}, which the message then leaves out); a stack trace goes in {@code "thrown"}.</li>
 * </ul>
 * Thread-safe (stateless but for the format chosen at start).
 */
final class LogFormat extends Formatter {
    private final boolean json;

    private LogFormat(boolean json) {
        this.json = json;
    }

    /** Text lines until the configuration is read. */
    static void install() {
        install(false);
    }

    /** Replaces the root logger's handlers with one writing {@code json} or text lines to stdout. */
    static void install(boolean json) {
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        // A StreamHandler on stdout that flushes every line (ConsoleHandler would write to, and close, stderr).
        StreamHandler out = new StreamHandler(System.out, new LogFormat(json)) {
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
        return json ? jsonLine(r) : textLine(r);
    }

    private String jsonLine(LogRecord r) {
        String message = formatMessage(r);
        String callId = null;
        int close = message.startsWith("[") ? message.indexOf("] ") : -1;
        if (close > 1 && close <= 40 && message.indexOf(' ') > close) {
            callId = message.substring(1, close);
            message = message.substring(close + 2);
        }
        StringBuilder line = new StringBuilder(160).append("{\"time\":\"").append(Instant.ofEpochMilli(r.getMillis()))
                .append("\",\"level\":\"").append(level(r).strip()).append("\",\"logger\":");
        quote(line, r.getLoggerName());
        if (callId != null) {
            line.append(",\"callId\":");
            quote(line, callId);
        }
        line.append(",\"message\":");
        quote(line, message);
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(",\"thrown\":");
            quote(line, trace.toString());
        }
        return line.append("}\n").toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s == null ? "" : s)).append('"');
    }

    private static String level(LogRecord r) {
        return switch (r.getLevel().getName()) {
            case "SEVERE" -> "ERROR";
            case "WARNING" -> "WARN ";
            case "INFO" -> "INFO ";
            default -> "DEBUG";
        };
    }

    private String textLine(LogRecord r) {
        String level = level(r);
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
