package dev.gateway.sip.signalling;

/**
 * Where SIP listens and what it advertises. Immutable.
 *
 * @param bind           address UDP and TCP bind to
 * @param port           SIP port (UDP and TCP)
 * @param advertisedHost address put in Via sent-by, Contact and SDP
 * @param userAgent      Server/User-Agent header value
 * @param tcp            bounds of SIP over TCP (and TLS)
 * @param tls            SIP over TLS; null = none
 */
public record SignallingSettings(String bind, int port, String advertisedHost, String userAgent, TcpLimits tcp,
                                 TlsListener tls) {
}
