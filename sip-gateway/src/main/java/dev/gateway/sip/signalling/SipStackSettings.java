package dev.gateway.sip.signalling;

import java.util.Properties;

/**
 * How the JAIN-SIP RI stack is configured, deliberately (DESIGN.md): every property here is set on purpose.
 * Pure, thread-safe.
 */
final class SipStackSettings {
    private SipStackSettings() {
    }

    static Properties properties(String name, TcpLimits tcp, TlsListener tls) {
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
        // TLS both ways (the RI uses the "client" protocols for its server side too); cipher suites: the JDK's
        // defaults, as the RI's own list is of 3DES and anonymous Diffie-Hellman.
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", jdkCipherSuites()));
        if (tls != null) {
            p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", PemKeyManagers.class.getName());
            p.setProperty(PemKeyManagers.CERTIFICATE_FILE, tls.certificateFile());
            p.setProperty(PemKeyManagers.KEY_FILE, tls.keyFile());
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled"); // callers present no certificate
        }
        // Bounded everything: a flood of requests cannot take the heap.
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "10000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "10000");
        // TCP: the RI's NIO transport (one selector thread whatever the number of connections; its default
        // transport costs two threads per connection) with the gateway's caps and stream guard on top.
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

    private static String[] jdkCipherSuites() {
        try {
            return javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no default TLS context", e);
        }
    }
}
