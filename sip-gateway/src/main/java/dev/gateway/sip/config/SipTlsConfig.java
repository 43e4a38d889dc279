package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

import java.util.Objects;

/**
 * SIP over TLS (RFC 3261 §26, Twilio Secure Trunking), on its own TCP port. Only TLS 1.2 and 1.3 are offered; the
 * files are read again when they change (a renewed certificate needs no restart). Immutable.
 *
 * @param port        TLS port, default 5061; must differ from {@code sip.port}, which UDP and TCP use
 * @param certificate PEM file with our certificate, then its chain (e.g. Let's Encrypt's {@code fullchain.pem})
 * @param privateKey  PEM file with the certificate's private key, unencrypted (PKCS#8, PKCS#1 or SEC 1)
 */
public record SipTlsConfig(int port, String certificate, String privateKey) {
    public static final int DEFAULT_PORT = 5061;

    public SipTlsConfig {
        check(port >= 1 && port <= 65535, "port", "must be between 1 and 65535, got " + port);
        check(certificate != null && !certificate.isBlank(), "certificate",
                "is required: the PEM file of the certificate (and its chain) the TLS listener presents");
        check(privateKey != null && !privateKey.isBlank(), "privateKey",
                "is required: the PEM file of the certificate's private key");
        Objects.requireNonNull(certificate);
    }
}
