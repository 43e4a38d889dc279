package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

import java.util.Objects;

/**
 * The Redis that several gateway nodes share (section {@code redis}; absent: one node, file store). With it, the
 * trunks and dispatch rules created through the SIP API live in Redis and every node serves the same set, and
 * {@code TransferSIPParticipant} reaches the node holding the call. Immutable.
 *
 * @param address        {@code host:port} ({@code [v6]:port} for IPv6), port default 6379
 * @param username       ACL user name, null for the default user
 * @param password       null for none (environment {@code GATEWAY_REDIS_PASSWORD} overrides it)
 * @param db             database number, 0 by default
 * @param keyPrefix      prefix of every key and channel the gateway uses, default {@code "sipgw:"}; nodes that
 *                       share trunks must share it, and it keeps the gateway apart from LiveKit's own keys
 * @param tls            connect with TLS (certificates checked against the JVM's trust store)
 * @param timeoutSeconds a Redis command or connection attempt fails after this long
 */
public record RedisConfig(String address, String username, String password, int db, String keyPrefix, boolean tls,
                          int timeoutSeconds) {

    public static final int DEFAULT_PORT = 6379;
    public static final String DEFAULT_KEY_PREFIX = "sipgw:";
    public static final int DEFAULT_TIMEOUT_SECONDS = 2;

    public RedisConfig {
        check(address != null && !address.isBlank(), "address", "required: host:port of the Redis server");
        address = address.strip();
        check(!address.contains("://"), "address", "is host:port without a scheme (set tls: true for TLS), got '"
                + address + "'");
        check(port(address) > 0, "address", "expected host:port with a port from 1 to 65535, got '" + address + "'");
        check(!host(address).isEmpty(), "address", "has no host, got '" + address + "'");
        check(username == null || !username.isBlank(), "username", "must not be blank (leave it out instead)");
        check(password == null || !password.isEmpty(), "password", "must not be empty (leave it out instead)");
        check(db >= 0 && db <= 1000, "db", "must be between 0 and 1000, got " + db);
        keyPrefix = Objects.requireNonNullElse(keyPrefix, DEFAULT_KEY_PREFIX);
        check(keyPrefix.chars().allMatch(c -> c > 0x20 && c < 0x7f) && keyPrefix.length() <= 64, "keyPrefix",
                "must be at most 64 printable ASCII characters without spaces, got '" + keyPrefix + "'");
        check(timeoutSeconds >= 1 && timeoutSeconds <= 60, "timeoutSeconds",
                "must be between 1 and 60, got " + timeoutSeconds);
    }

    /** The host part of {@code address}, brackets of an IPv6 literal removed. */
    public String host() {
        return host(address);
    }

    public int port() {
        return port(address);
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        String h = colon < 0 || address.endsWith("]") ? address : address.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The port, {@link #DEFAULT_PORT} if none is written, -1 if it is not a number in range. */
    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0 || address.endsWith("]") || (address.startsWith("[") && address.lastIndexOf(']') > colon)) {
            return DEFAULT_PORT;
        }
        if (address.indexOf(':') != colon && !address.startsWith("[")) {
            return -1; // a bare IPv6 address: write it as [addr]:port
        }
        try {
            int p = Integer.parseInt(address.substring(colon + 1));
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "RedisConfig[" + address + ", db " + db + ", prefix " + keyPrefix + (tls ? ", tls" : "")
                + (password == null ? "" : ", password set") + "]"; // never the password itself
    }
}
