package dev.gateway.sip.signalling;

import java.io.IOException;

/**
 * A TCP connection over {@code sip.tcp.maxConnectionsPerSource} or {@code sip.tcp.maxConnections}, closed as it was
 * accepted. Already counted and logged by {@link TransportAbuse}: the stack's logger drops it.
 */
final class TcpConnectionRefused extends IOException {
    private static final long serialVersionUID = 1L;

    TcpConnectionRefused(String reason) {
        super(reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
