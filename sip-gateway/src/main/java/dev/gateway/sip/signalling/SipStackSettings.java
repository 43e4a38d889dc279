package dev.gateway.sip.signalling;

import dev.gateway.sip.tls.SipTlsKeys;
import dev.gateway.sip.tls.SipTlsProcessorFactory;
import java.util.Properties;

/**
 * How the JAIN-SIP RI stack is configured, deliberately (DESIGN.md): every property here is set on purpose.
 * Pure, thread-safe.
 */
final class SipStackSettings {
    private SipStackSettings() {
    }

    static Properties properties(String name, SignallingSettings.Tls tls) {
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
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
        // Bounded everything: a flood of requests cannot take the heap.
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "10000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "10000");
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", "2000");
        p.setProperty("gov.nist.javax.sip.MAX_LISTENER_RESPONSE_TIME", "10");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "1000");
        // Stray responses (no matching transaction) are dropped by the stack, not delivered.
        p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "true");
        if (tls != null) {
            // Our certificate from PEM files (reloaded when they change) and the JDK's CAs for trunks we call.
            // The NIO transports: the only TLS transport of the RI that takes its keys from the provider below
            // (with a fix for outbound TLS connections, see KeptConnectionsNioHandler).
            p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", SipTlsProcessorFactory.class.getName());
            p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", SipTlsKeys.class.getName());
            p.setProperty(SipTlsKeys.CERTIFICATE_PROPERTY, tls.certificate().toString());
            p.setProperty(SipTlsKeys.KEY_PROPERTY, tls.privateKey().toString());
            // The RI's default suites are RSA key exchange and 3DES (no forward secrecy, no TLS 1.3, no EC keys):
            // offer TLS 1.3's and TLS 1.2's ECDHE AEAD suites only.
            p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",",
                    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
            // Trunks authenticate by address and digest, not client certificates (Twilio presents none).
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
            // A client that connects and never completes its handshake holds a connection for 10 s at most.
            p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "10");
            // Client-initiated renegotiation costs us a handshake per request: a cheap DoS (CVE-2011-1473).
            p.setProperty("gov.nist.javax.sip.SSL_RENEGOTIATION_ENABLED", "false");
        }
        // log4j stays out of the runtime: the RI's default loggers need it.
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", JulStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", NoMessageLog.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // Automatic 400s carry the parse error in their reason phrase: keep it on one line.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", OneLineParseErrors.class.getName());
        return p;
    }
}
