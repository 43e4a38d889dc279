package dev.gateway.sip.api.twirp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies LiveKit API tokens: HS256 JWTs (RFC 7519, JWS compact form of RFC 7515) signed with the API secret,
 * whose {@code iss} is the API key. Checks, in order: the {@code Authorization: Bearer} form, three base64url
 * parts, header {@code alg} = {@code HS256}, the signature (constant-time compare), {@code iss}, then {@code nbf}
 * and {@code exp} with a leeway of one minute (go-jose's default, which LiveKit uses). Every failure is a Twirp
 * {@code unauthenticated} error saying why. Thread-safe and immutable.
 */
public final class AccessTokenVerifier {

    /** Clock skew tolerated on {@code nbf} and {@code exp}. */
    public static final Duration LEEWAY = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    private final String apiKey;
    private final byte[] secret;
    private final Clock clock;

    public AccessTokenVerifier(String apiKey, String apiSecret, Clock clock) {
        this.apiKey = requireText(apiKey, "apiKey");
        this.secret = requireText(apiSecret, "apiSecret").getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param authorization the {@code Authorization} header value, may be null
     * @throws TwirpException {@code unauthenticated}
     */
    public ApiGrants verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthenticated("no access token: send Authorization: Bearer <JWT signed with the API secret>");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("the Authorization header must be 'Bearer <JWT>'");
        }
        String token = authorization.substring(7).strip();
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw unauthenticated("malformed access token: expected three dot-separated parts");
        }
        JsonNode header = decodeJson(parts[0], "header");
        if (!"HS256".equals(header.path("alg").asText())) {
            throw unauthenticated("access token algorithm must be HS256, got '" + header.path("alg").asText() + "'");
        }
        byte[] signature;
        try {
            signature = B64URL.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw unauthenticated("malformed access token signature");
        }
        byte[] expected = hmac((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!MessageDigest.isEqual(expected, signature)) {
            throw unauthenticated("access token signature does not match the API secret");
        }
        JsonNode claims = decodeJson(parts[1], "claims");
        if (!apiKey.equals(claims.path("iss").asText())) {
            throw unauthenticated("access token issuer '" + claims.path("iss").asText() + "' is not the API key");
        }
        long now = clock.instant().getEpochSecond();
        long leeway = LEEWAY.toSeconds();
        if (claims.has("nbf") && claims.get("nbf").asLong() > now + leeway) {
            throw unauthenticated("access token not valid yet (nbf " + claims.get("nbf").asLong() + ", now " + now + ")");
        }
        if (!claims.has("exp") || claims.get("exp").asLong() < now - leeway) {
            throw unauthenticated(claims.has("exp") ? "access token expired (exp " + claims.get("exp").asLong()
                    + ", now " + now + ")" : "access token has no exp claim");
        }
        JsonNode sip = claims.path("sip");
        JsonNode video = claims.path("video");
        return new ApiGrants(claims.path("sub").asText(""), sip.path("admin").asBoolean(false),
                sip.path("call").asBoolean(false), video.path("roomAdmin").asBoolean(false),
                video.path("room").asText(""));
    }

    private byte[] hmac(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // in every JRE
        }
    }

    private static JsonNode decodeJson(String part, String what) {
        try {
            JsonNode n = JSON.readTree(B64URL.decode(part));
            if (n == null || !n.isObject()) {
                throw unauthenticated("malformed access token " + what + ": not a JSON object");
            }
            return n;
        } catch (IllegalArgumentException | IOException e) {
            throw unauthenticated("malformed access token " + what);
        }
    }

    private static TwirpException unauthenticated(String msg) {
        return new TwirpException("unauthenticated", msg);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
