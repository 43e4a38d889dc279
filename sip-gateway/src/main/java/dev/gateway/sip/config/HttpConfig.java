package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;
import static dev.gateway.sip.config.InvalidConfigException.checkAddress;

import java.util.Objects;

/**
 * HTTP API and health endpoint. Immutable.
 *
 * @param bind local address, default {@code 127.0.0.1} (not exposed unless asked)
 * @param port TCP port, default 8080; 0 disables the HTTP server
 */
public record HttpConfig(String bind, int port) {

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8080);

    public HttpConfig {
        Objects.requireNonNull(bind, "bind");
        checkAddress(bind, "bind");
        check(port >= 0 && port <= 65535, "port", "must be between 0 (disabled) and 65535, got " + port);
    }

    /** False when {@code port} is 0. */
    public boolean enabled() {
        return port != 0;
    }
}
