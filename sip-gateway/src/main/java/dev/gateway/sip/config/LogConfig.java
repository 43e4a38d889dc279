package dev.gateway.sip.config;

import java.util.Locale;
import java.util.Objects;

/**
 * How log lines are written. Immutable.
 *
 * @param format {@link Format#TEXT} (default): one line per event, {@code 2026-11-25T08:01:02.123Z INFO  call   [c-…]
 *               answered …}; {@link Format#JSON}: one JSON object per line with {@code time}, {@code level},
 *               {@code logger}, {@code callId} (when the event belongs to a call) and {@code message}
 */
public record LogConfig(Format format) {

    public static final LogConfig DEFAULT = new LogConfig(Format.TEXT);

    /** Line formats, as written in the config file. */
    public enum Format {
        TEXT, JSON;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LogConfig {
        Objects.requireNonNull(format, "format");
    }
}
