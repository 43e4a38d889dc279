package dev.gateway.sip.signalling;

/**
 * SIP over TLS on its own port. Immutable.
 *
 * @param port            TLS port (RFC 3261 default 5061)
 * @param certificateFile PEM certificate chain, the gateway's certificate first
 * @param keyFile         PEM private key of that certificate, unencrypted
 */
public record TlsListener(int port, String certificateFile, String keyFile) {
}
