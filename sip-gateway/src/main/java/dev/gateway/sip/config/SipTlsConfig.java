package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SIP over TLS ({@code sip.tls}; absent = no TLS). Immutable.
 *
 * @param port            TLS port, default 5061 (RFC 3261 §26.2.1); must differ from {@code sip.port}
 * @param certificateFile PEM certificate chain, the gateway's certificate first
 * @param keyFile         PEM private key (PKCS#8, PKCS#1 or SEC1, unencrypted)
 */
public record SipTlsConfig(int port, String certificateFile, String keyFile) {

    public static final int DEFAULT_PORT = 5061;

    public SipTlsConfig {
        check(port >= 1 && port <= 65535, "port", "must be between 1 and 65535, got " + port);
        check(certificateFile != null && Files.isReadable(Path.of(certificateFile)), "certificateFile",
                "must name a readable PEM file, got " + (certificateFile == null ? "nothing" : "'" + certificateFile + "'"));
        check(keyFile != null && Files.isReadable(Path.of(keyFile)), "keyFile",
                "must name a readable PEM file, got " + (keyFile == null ? "nothing" : "'" + keyFile + "'"));
    }
}
