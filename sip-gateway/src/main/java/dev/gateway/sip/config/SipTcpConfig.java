package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

/**
 * SIP over TCP ({@code sip.tcp}). Immutable.
 *
 * @param idleTimeoutSeconds      a connection with no traffic either way is closed after this long (to twice
 *                                this), default 300; a peer reconnects for its next request, and so does the
 *                                gateway to a call's Contact for its in-dialog requests
 * @param maxConnectionsPerSource accepted connections open at once from one IP address, default 32
 * @param maxConnections          accepted connections open at once in total, default 2000
 */
public record SipTcpConfig(int idleTimeoutSeconds, int maxConnectionsPerSource, int maxConnections) {

    public static final SipTcpConfig DEFAULT = new SipTcpConfig(300, 32, 2000);

    public SipTcpConfig {
        check(idleTimeoutSeconds >= 1 && idleTimeoutSeconds <= 86_400, "idleTimeoutSeconds",
                "must be between 1 and 86400, got " + idleTimeoutSeconds);
        check(maxConnectionsPerSource >= 1, "maxConnectionsPerSource", "must be at least 1, got " + maxConnectionsPerSource);
        check(maxConnections >= maxConnectionsPerSource, "maxConnections",
                "must be at least maxConnectionsPerSource (" + maxConnectionsPerSource + "), got " + maxConnections);
    }
}
