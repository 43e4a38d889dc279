package dev.gateway.sip.signalling;

import dev.gateway.sip.tls.SipTlsKeys;
import java.util.Properties;

/**
 * How the JAIN-SIP RI stack is configured, deliberately (DESIGN.md): every property here is set on purpose.
 * Pure, thread-safe.
 */
final class SipStackSettings {
    private SipStackSettings() {
    }

    static Properties properties(String name, TcpLimits tcp, SignallingSettings.Tls tls) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", name);
        // Dialogs are created for us on 1xx/2xx with a To tag, so re-INVITE, BYE, REFER and NOTIFY map to them.
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        // Our listener only hands events to call loops, so several stack threads may call it at once.
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
        p.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE", "4");
        // Twilio's REFER progress arrives as NOTIFY without a SUBSCRIBE: deliver it instead of answering 481.
        p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        // TLS both ways (the RI uses the "client" protocols for its server side too). Cipher suites: TLS 1.3's and
        // TLS 1.2's ECDHE AEAD suites only; the RI's own list is RSA key exchange, 3DES and anonymous
        // Diffie-Hellman (no forward secrecy, no TLS 1.3, no EC keys).
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",",
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
        if (tls != null) {
            // Our certificate from PEM files (reloaded when they change) and the JDK's CAs for trunks we call.
            p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", SipTlsKeys.class.getName());
            p.setProperty(SipTlsKeys.CERTIFICATE_PROPERTY, tls.certificate().toString());
            p.setProperty(SipTlsKeys.KEY_PROPERTY, tls.privateKey().toString());
            // Trunks authenticate by address and digest, not client certificates (Twilio presents none).
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
            // A client that connects and never completes its handshake holds a connection for 10 s at most.
            p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "10");
            // Client-initiated renegotiation costs us a handshake per request: a cheap DoS (CVE-2011-1473).
            p.setProperty("gov.nist.javax.sip.SSL_RENEGOTIATION_ENABLED", "false");
        }
        // Bounded everything: a flood of requests cannot take the heap.
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "10000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "10000");
        // TCP and TLS: the RI's NIO transports (one selector thread whatever the number of connections; its
        // default transport costs two threads per connection) with the gateway's caps and stream guard on top.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", GuardedTransports.class.getName());
        p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", Long.toString(tcp.idleTimeoutSeconds() * 1000L));
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(tcp.maxConnections()));
        p.setProperty(GuardedTransports.TCP_IDLE_SECONDS, Integer.toString(tcp.idleTimeoutSeconds()));
        p.setProperty(GuardedTransports.TCP_MAX_PER_SOURCE, Integer.toString(tcp.maxConnectionsPerSource()));
        p.setProperty(GuardedTransports.TCP_MAX, Integer.toString(tcp.maxConnections()));
        p.setProperty("gov.nist.javax.sip.MAX_LISTENER_RESPONSE_TIME", "10");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "1000");
        // Stray responses (no matching transaction) are dropped by the stack, not delivered.
        p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "true");
        // log4j stays out of the runtime: the RI's default loggers need it.
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", JulStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", NoMessageLog.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // One-line reasons in automatic 400s, mandatory headers checked, UDP requests answered to their source.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", GuardedMessageParsers.class.getName());
        return p;
    }
}
