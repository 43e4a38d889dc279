package dev.gateway.sip.signalling;

import java.nio.file.Path;

/**
 * Where SIP listens and what it advertises. Immutable.
 *
 * @param bind           address UDP, TCP and TLS bind to
 * @param port           SIP port (UDP and TCP)
 * @param advertisedHost address put in Via sent-by, Contact and SDP
 * @param userAgent      Server/User-Agent header value
 * @param tcp            bounds of SIP over TCP (and TLS)
 * @param tls            the TLS listener, or null for none
 */
public record SignallingSettings(String bind, int port, String advertisedHost, String userAgent, TcpLimits tcp,
                                 Tls tls) {

    /**
     * SIP over TLS on its own port.
     *
     * @param port        TCP port of the TLS listener
     * @param certificate PEM certificate chain, leaf first
     * @param privateKey  PEM private key of the leaf
     */
    public record Tls(int port, Path certificate, Path privateKey) {
    }
}
