package dev.gateway.sip.signalling;

/**
 * Bounds of SIP over TCP. Immutable.
 *
 * @param idleTimeoutSeconds      a connection with no byte in either direction for this long is closed
 * @param maxConnectionsPerSource accepted connections open at once from one IP address; more are closed at once
 * @param maxConnections          accepted connections open at once in total; more are closed at once
 */
public record TcpLimits(int idleTimeoutSeconds, int maxConnectionsPerSource, int maxConnections) {
    public TcpLimits {
        if (idleTimeoutSeconds < 1 || maxConnectionsPerSource < 1 || maxConnections < maxConnectionsPerSource) {
            throw new IllegalArgumentException("TCP limits out of range: " + idleTimeoutSeconds + " s, "
                    + maxConnectionsPerSource + " per source, " + maxConnections + " in total");
        }
    }
}
