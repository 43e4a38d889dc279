package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;
import static dev.gateway.sip.config.InvalidConfigException.checkAddress;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * HTTP API and health endpoint. Immutable.
 *
 * @param bind                    local address, default {@code 127.0.0.1} (not exposed unless asked)
 * @param port                    TCP port, default 8080; 0 disables the HTTP server
 * @param token                   the operator's bearer token for {@code /calls} (environment
 *                                {@code GATEWAY_HTTP_TOKEN} overrides it); null: LiveKit tokens only, or, with no
 *                                LiveKit configured, one generated into {@code <dataDir>/http-token}
 * @param allowedHosts            host names accepted in the {@code Host} header besides IP literals and
 *                                {@code localhost} (DNS-rebinding guard), lower case, no port
 * @param readTimeoutSeconds      a request (line, headers and body) must arrive within this many seconds of its
 *                                first byte (of the connection's opening for the first request), else the
 *                                connection is closed
 * @param idleTimeoutSeconds      a kept-alive connection with no request in progress is closed after this long
 * @param maxConnections          open connections at most; more are closed on accept
 * @param maxConnectionsPerSource open connections from one IP address at most
 * @param metricsToken            a bearer token good for {@code GET /metrics} only (a Prometheus scrape job's
 *                                {@code authorization.credentials}; environment {@code GATEWAY_METRICS_TOKEN}
 *                                overrides it); null: the operator or LiveKit tokens only
 */
public record HttpConfig(String bind, int port, String token, List<String> allowedHosts, int readTimeoutSeconds,
                         int idleTimeoutSeconds, int maxConnections, int maxConnectionsPerSource, String metricsToken) {

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8080, null, List.of(), 10, 60, 256, 32, null);
    /** Shortest operator token accepted (characters). */
    public static final int MIN_TOKEN_LENGTH = 16;

    public HttpConfig {
        Objects.requireNonNull(bind, "bind");
        checkAddress(bind, "bind");
        check(port >= 0 && port <= 65535, "port", "must be between 0 (disabled) and 65535, got " + port);
        if (token != null) {
            token = token.strip();
            check(token.length() >= MIN_TOKEN_LENGTH, "token", "must be at least " + MIN_TOKEN_LENGTH
                    + " characters (use a random string, e.g. `openssl rand -hex 32`), got " + token.length());
            check(token.chars().allMatch(c -> c > 0x20 && c < 0x7f), "token",
                    "must be printable ASCII without spaces (it travels in an Authorization header)");
        }
        if (metricsToken != null) {
            metricsToken = metricsToken.strip();
            check(metricsToken.length() >= MIN_TOKEN_LENGTH, "metricsToken", "must be at least " + MIN_TOKEN_LENGTH
                    + " characters (use a random string, e.g. `openssl rand -hex 32`), got " + metricsToken.length());
            check(metricsToken.chars().allMatch(c -> c > 0x20 && c < 0x7f), "metricsToken",
                    "must be printable ASCII without spaces (it travels in an Authorization header)");
            check(!metricsToken.equals(token), "metricsToken", "must differ from http.token (it grants less)");
        }
        allowedHosts = Objects.requireNonNullElse(allowedHosts, List.<String>of()).stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        for (String h : allowedHosts) {
            check(h.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?"), "allowedHosts",
                    "entries are host names without port or scheme, got '" + h + "'");
        }
        check(readTimeoutSeconds >= 1 && readTimeoutSeconds <= 300, "readTimeoutSeconds",
                "must be between 1 and 300, got " + readTimeoutSeconds);
        check(idleTimeoutSeconds >= 1 && idleTimeoutSeconds <= 3600, "idleTimeoutSeconds",
                "must be between 1 and 3600, got " + idleTimeoutSeconds);
        check(maxConnections >= 1 && maxConnections <= 65536, "maxConnections",
                "must be between 1 and 65536, got " + maxConnections);
        check(maxConnectionsPerSource >= 1 && maxConnectionsPerSource <= maxConnections, "maxConnectionsPerSource",
                "must be between 1 and maxConnections (" + maxConnections + "), got " + maxConnectionsPerSource);
    }

    /** Without a metrics token. */
    public HttpConfig(String bind, int port, String token, List<String> allowedHosts, int readTimeoutSeconds,
                      int idleTimeoutSeconds, int maxConnections, int maxConnectionsPerSource) {
        this(bind, port, token, allowedHosts, readTimeoutSeconds, idleTimeoutSeconds, maxConnections,
                maxConnectionsPerSource, null);
    }

    /** The defaults on another address and port (tests). */
    public static HttpConfig of(String bind, int port) {
        return new HttpConfig(bind, port, DEFAULT.token, DEFAULT.allowedHosts, DEFAULT.readTimeoutSeconds,
                DEFAULT.idleTimeoutSeconds, DEFAULT.maxConnections, DEFAULT.maxConnectionsPerSource);
    }

    /** False when {@code port} is 0. */
    public boolean enabled() {
        return port != 0;
    }
}
