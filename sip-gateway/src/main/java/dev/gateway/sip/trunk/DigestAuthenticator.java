package dev.gateway.sip.trunk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SIP digest authentication with MD5 (RFC 2617 / RFC 7616 §3.4.1, RFC 3261 §22), {@code qop=auth} or no qop.
 *
 * <p>Nonces: {@code base64url(8-byte issue time in ms || 8 random bytes || first 16 bytes of HMAC-SHA256(key,
 * time || random || realm || source address))}. The key is random per process (or given), so a nonce from before a restart fails its check
 * and is reported as {@link Verdict#STALE_NONCE}, which lets the client retry with a fresh nonce without
 * re-prompting. A nonce lives {@link #NONCE_LIFETIME_MILLIS}, is bound to the address it was issued to, and is
 * accepted once: a captured {@code Authorization} replayed (on a new call, from another address) is answered with
 * a fresh challenge, which only the password can answer. Its {@code uri} must be the request's Request-URI.
 *
 * <p>Thread-safe: an immutable HMAC key and a bounded, synchronized set of the nonces already used.
 */
public final class DigestAuthenticator {

    /** How long a nonce is accepted: 5 minutes. */
    public static final long NONCE_LIFETIME_MILLIS = 5 * 60 * 1000L;

    /** Result of {@link #verify}. */
    public enum Verdict { OK, MISSING, BAD_USER, BAD_RESPONSE, STALE_NONCE, MALFORMED, WRONG_URI }

    private static final int MAC_BYTES = 16;
    /** Used nonces remembered; a nonce lives 5 minutes, so this is 54 authenticated calls per second. */
    static final int MAX_USED_NONCES = 16_384;
    private final byte[] key;
    private final LongSupplier clockMillis;
    private final java.util.LinkedHashMap<String, Long> used = new java.util.LinkedHashMap<>();

    /** An authenticator with a random 32-byte key and the system clock. */
    public DigestAuthenticator() {
        this(randomKey(), System::currentTimeMillis);
    }

    /**
     * @param key         HMAC key for nonces (copied)
     * @param clockMillis wall clock in milliseconds used by {@link #challenge(String)}
     */
    public DigestAuthenticator(byte[] key, LongSupplier clockMillis) {
        this.key = key.clone();
        this.clockMillis = Objects.requireNonNull(clockMillis);
    }

    /** A fresh challenge for a request from {@code source}: the value for {@code WWW-Authenticate}. */
    public String challenge(String realm, String source) {
        return challenge(realm, source, false, clockMillis.getAsLong());
    }

    /** A challenge issued at {@code nowMillis}; {@code stale} adds {@code stale=true} (after a STALE verdict). */
    public String challenge(String realm, String source, boolean stale, long nowMillis) {
        return "Digest realm=" + DigestParams.quote(realm) + ", nonce=\"" + nonce(realm, source, nowMillis)
                + "\", algorithm=MD5, qop=\"auth\"" + (stale ? ", stale=true" : "");
    }

    /**
     * Checks an {@code Authorization}/{@code Proxy-Authorization} value against the expected credentials.
     * The response is checked before the nonce's age, so STALE_NONCE is only returned for a correct password.
     *
     * @param method                   SIP method of the request, e.g. {@code INVITE}
     * @param requestUri               the request's Request-URI, which the digest's {@code uri} must name
     * @param authorizationHeaderValue header value, null or blank when absent
     * @param source                   the request's source address (the nonce must have been issued to it)
     */
    public Verdict verify(String method, String requestUri, String authorizationHeaderValue, String expectedUser,
                          String password, String source, long nowMillis) {
        if (authorizationHeaderValue == null || authorizationHeaderValue.isBlank()) {
            return Verdict.MISSING;
        }
        DigestParams p;
        try {
            p = DigestParams.parse(authorizationHeaderValue);
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        String user = p.get("username");
        String realm = p.get("realm");
        String nonce = p.get("nonce");
        String uri = p.get("uri");
        String response = p.get("response");
        String qop = p.get("qop");
        String algorithm = p.get("algorithm");
        if (!p.scheme().equalsIgnoreCase("Digest") || user == null || realm == null || nonce == null
                || uri == null || response == null) {
            return Verdict.MALFORMED;
        }
        if (algorithm != null && !algorithm.equalsIgnoreCase("MD5")) {
            return Verdict.MALFORMED;
        }
        if (qop != null && (!qop.equalsIgnoreCase("auth") || p.get("nc") == null || p.get("cnonce") == null)) {
            return Verdict.MALFORMED;
        }
        if (!user.equals(expectedUser)) {
            return Verdict.BAD_USER;
        }
        String expected = response(user, realm, password, method, uri, nonce,
                qop == null ? null : "auth", p.get("nc"), p.get("cnonce"));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.BAD_RESPONSE;
        }
        if (!sameUri(uri, requestUri)) {
            return Verdict.WRONG_URI; // a digest computed for another request
        }
        if (!nonceValid(nonce, realm, source, nowMillis)) {
            return Verdict.STALE_NONCE;
        }
        return firstUse(nonce, nowMillis) ? Verdict.OK : Verdict.STALE_NONCE;
    }

    /** The {@code username} of an {@code Authorization} value, or null when absent or unparseable. */
    public static String username(String authorizationHeaderValue) {
        try {
            return authorizationHeaderValue == null ? null : DigestParams.parse(authorizationHeaderValue).get("username");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True the first time {@code nonce} is accepted; remembers it for its lifetime (bounded: oldest forgotten). */
    private synchronized boolean firstUse(String nonce, long nowMillis) {
        var it = used.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (nowMillis - e.getValue() <= NONCE_LIFETIME_MILLIS && used.size() < MAX_USED_NONCES) {
                break;
            }
            it.remove();
        }
        return used.putIfAbsent(nonce, nowMillis) == null;
    }

    /** The digest's {@code uri} names the Request-URI: equal, ignoring case and URI parameters (RFC 3261 §22.4). */
    static boolean sameUri(String digestUri, String requestUri) {
        if (requestUri == null) {
            return false;
        }
        return withoutParameters(digestUri).equalsIgnoreCase(withoutParameters(requestUri));
    }

    private static String withoutParameters(String uri) {
        int semi = uri.indexOf(';');
        return (semi < 0 ? uri : uri.substring(0, semi)).strip();
    }

    /**
     * Client side: builds an {@code Authorization}/{@code Proxy-Authorization} value answering a 401/407 challenge.
     * Uses {@code qop=auth} when the challenge offers it, otherwise the RFC 2069-compatible form.
     *
     * @param nc nonce count, 1 for the first request with this nonce
     * @throws IllegalArgumentException if the challenge is not an MD5 digest challenge with realm and nonce
     */
    public static String authorization(String method, String uri, String challengeHeaderValue, String user,
                                       String password, String cnonce, int nc) {
        DigestParams c = DigestParams.parse(challengeHeaderValue);
        String realm = c.get("realm");
        String nonce = c.get("nonce");
        String algorithm = c.get("algorithm");
        if (!c.scheme().equalsIgnoreCase("Digest") || realm == null || nonce == null) {
            throw new IllegalArgumentException("not a digest challenge with realm and nonce");
        }
        if (algorithm != null && !algorithm.equalsIgnoreCase("MD5")) {
            throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        }
        boolean auth = false;
        if (c.get("qop") != null) {
            for (String q : c.get("qop").split(",")) {
                auth |= q.strip().equalsIgnoreCase("auth");
            }
            if (!auth) {
                throw new IllegalArgumentException("challenge offers no qop=auth: " + c.get("qop"));
            }
        }
        String ncHex = String.format("%08x", nc);
        StringBuilder b = new StringBuilder("Digest username=").append(DigestParams.quote(user))
                .append(", realm=").append(DigestParams.quote(realm))
                .append(", nonce=").append(DigestParams.quote(nonce))
                .append(", uri=").append(DigestParams.quote(uri))
                .append(", response=\"")
                .append(response(user, realm, password, method, uri, nonce, auth ? "auth" : null, ncHex, cnonce))
                .append("\", algorithm=MD5");
        if (auth) {
            b.append(", cnonce=").append(DigestParams.quote(cnonce)).append(", qop=auth, nc=").append(ncHex);
        }
        if (c.get("opaque") != null) {
            b.append(", opaque=").append(DigestParams.quote(c.get("opaque")));
        }
        return b.toString();
    }

    /**
     * The request-digest (RFC 2617 §3.2.2.1): {@code MD5(HA1:nonce:nc:cnonce:qop:HA2)} with qop, else
     * {@code MD5(HA1:nonce:HA2)}, where {@code HA1 = MD5(user:realm:password)}, {@code HA2 = MD5(method:uri)}.
     *
     * @param qop {@code "auth"} or null for the no-qop form (then nc and cnonce are ignored)
     * @return 32 lower-case hex digits
     */
    static String response(String user, String realm, String password, String method, String uri, String nonce,
                           String qop, String nc, String cnonce) {
        String ha1 = md5Hex(user + ":" + realm + ":" + password);
        String ha2 = md5Hex(method + ":" + uri);
        return qop == null ? md5Hex(ha1 + ":" + nonce + ":" + ha2)
                : md5Hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    String nonce(String realm, String source, long issuedMillis) {
        long salt = java.util.concurrent.ThreadLocalRandom.current().nextLong(); // two challenges never share a nonce
        ByteBuffer buf = ByteBuffer.allocate(16 + MAC_BYTES);
        buf.putLong(issuedMillis).putLong(salt).put(mac(issuedMillis, salt, realm, source), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
    }

    private boolean nonceValid(String nonce, String realm, String source, long nowMillis) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != 16 + MAC_BYTES) {
            return false;
        }
        ByteBuffer buf = ByteBuffer.wrap(raw);
        long issued = buf.getLong();
        long salt = buf.getLong();
        byte[] got = new byte[MAC_BYTES];
        buf.get(got);
        byte[] want = new byte[MAC_BYTES];
        System.arraycopy(mac(issued, salt, realm, source), 0, want, 0, MAC_BYTES);
        long age = nowMillis - issued;
        // A little clock slack for nonces from the future (another node, NTP step).
        return MessageDigest.isEqual(got, want) && age >= -5_000 && age <= NONCE_LIFETIME_MILLIS;
    }

    private byte[] mac(long issuedMillis, long salt, String realm, String source) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(16).putLong(issuedMillis).putLong(salt).array());
            mac.update(realm.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(String.valueOf(source).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String md5Hex(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
