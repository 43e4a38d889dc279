package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;
import static dev.gateway.sip.config.InvalidConfigException.checkAddress;

import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.HostName;
import java.util.Objects;

/**
 * SIP signalling listener. Immutable.
 *
 * @param bind                  local address for UDP and TCP, default {@code 0.0.0.0}
 * @param port                  UDP and TCP port, default 5060
 * @param externalAddress       address put in Contact/Via/SDP when behind NAT (IP literal or host name);
 *                              null = the bound or primary address
 * @param userAgent             User-Agent/Server header value, default {@code gateway}
 * @param sessionExpiresSeconds RFC 4028 session interval we ask for, default 1800 (minimum 90, RFC 4028 Min-SE)
 * @param tcp                   bounds of SIP over TCP, and of TLS with it ({@link SipTcpConfig#DEFAULT})
 * @param tls                   SIP over TLS on its own port; null = none (the default)
 */
public record SipConfig(String bind, int port, String externalAddress, String userAgent, int sessionExpiresSeconds,
                        SipTcpConfig tcp, SipTlsConfig tls) {

    public static final SipConfig DEFAULT = new SipConfig("0.0.0.0", 5060, null, "gateway", 1800, SipTcpConfig.DEFAULT,
            null);

    public SipConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(userAgent, "userAgent");
        checkAddress(bind, "bind");
        check(port >= 1 && port <= 65535, "port", "must be between 1 and 65535, got " + port);
        check(externalAddress == null || Cidr.isAddressLiteral(externalAddress) || HostName.isValid(externalAddress),
                "externalAddress", "must be an IP address or host name, got '" + externalAddress + "'");
        check(!userAgent.isBlank() && userAgent.chars().noneMatch(c -> c < 0x20), "userAgent",
                "must be non-empty printable text");
        check(sessionExpiresSeconds >= 90, "sessionExpiresSeconds",
                "must be at least 90 (RFC 4028 Min-SE), got " + sessionExpiresSeconds);
        check(tls == null || tls.port() != port, "tls.port", "must differ from sip.port (" + port
                + "), which TCP uses already");
    }
}
