package dev.gateway.sip.api;

import dev.gateway.sip.api.twirp.AccessTokenVerifier;
import dev.gateway.sip.api.twirp.ApiGrants;
import dev.gateway.sip.api.twirp.TwirpException;
import dev.gateway.sip.api.twirp.TwirpHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the HTTP API, decided from the request line and headers alone (before any body is read):
 * <ul>
 *   <li>{@code /healthz} and {@code /readyz}: anyone (they tell only the number of calls, whether the gateway
 *       drains, and why it is not ready);</li>
 *   <li>{@code /metrics}: as {@code /calls} below, or the metrics token ({@code http.metricsToken}), which is good
 *       for nothing else;</li>
 *   <li>{@code /twirp/...} with LiveKit configured: a LiveKit access token ({@code Authorization: Bearer JWT},
 *       HS256 with the API secret, issuer = API key); the {@link TwirpHandler} then checks the method's grant and
 *       LiveKit checks the tokens of the services it relays; failures are Twirp {@code unauthenticated};</li>
 *   <li>everything else ({@code /calls} and its actions): the operator token, or a LiveKit token with
 *       {@code video.roomAdmin}, {@code sip.call} or {@code sip.admin}; {@code 401} without valid credentials,
 *       {@code 403} for a valid token without those grants, as {@code {"error": ...}}.</li>
 * </ul>
 * Immutable and thread-safe; cheap enough for an event loop (one HMAC-SHA256 per request).
 */
public final class ApiAccess {

    static final String HEALTH_PATH = "/healthz";
    static final String READY_PATH = "/readyz";
    public static final String METRICS_PATH = "/metrics";

    private final AccessTokenVerifier liveKit;
    private final byte[] operatorToken;
    private final byte[] metricsToken;

    /**
     * @param liveKit       verifies LiveKit tokens; null without LiveKit
     * @param operatorToken the operator's bearer token; null for none
     */
    public ApiAccess(AccessTokenVerifier liveKit, String operatorToken) {
        this(liveKit, operatorToken, null);
    }

    /** @param metricsToken a token good for {@code GET /metrics} only; null for none */
    public ApiAccess(AccessTokenVerifier liveKit, String operatorToken, String metricsToken) {
        if (liveKit == null && operatorToken == null) {
            throw new IllegalArgumentException("the HTTP API needs a LiveKit key/secret or an operator token");
        }
        this.liveKit = liveKit;
        this.operatorToken = operatorToken == null ? null : operatorToken.getBytes(StandardCharsets.UTF_8);
        this.metricsToken = metricsToken == null ? null : metricsToken.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param path          the request's decoded path
     * @param authorization its {@code Authorization} header, may be null
     * @return null if the request may proceed, else the response refusing it
     */
    public ApiResponse refusal(String path, String authorization) {
        if (path.equals(HEALTH_PATH) || path.equals(READY_PATH)) {
            return null;
        }
        if (path.startsWith(TwirpHandler.CONTEXT) && liveKit != null) {
            try {
                liveKit.verify(authorization);
                return null;
            } catch (TwirpException e) {
                return TwirpHandler.errorResponse(e);
            }
        }
        String token = bearer(authorization);
        if (token == null) {
            return unauthorized("no credentials: send Authorization: Bearer <" + accepted() + ">");
        }
        if (operatorToken != null && MessageDigest.isEqual(operatorToken, token.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        if (metricsToken != null && MessageDigest.isEqual(metricsToken, token.getBytes(StandardCharsets.UTF_8))) {
            return path.equals(METRICS_PATH) ? null
                    : ApiResponse.error(403, "the metrics token is good for " + METRICS_PATH + " only");
        }
        if (liveKit == null || token.chars().filter(c -> c == '.').count() != 2) {
            return unauthorized("the bearer token is not the " + accepted());
        }
        ApiGrants grants;
        try {
            grants = liveKit.verify(authorization);
        } catch (TwirpException e) {
            return unauthorized(e.getMessage());
        }
        if (!grants.roomAdmin() && !grants.sipCall() && !grants.sipAdmin()) {
            return ApiResponse.error(403, "the LiveKit token of '" + grants.identity()
                    + "' has none of the grants video.roomAdmin, sip.call, sip.admin");
        }
        return null;
    }

    private String accepted() {
        return liveKit == null ? "operator token (http.token or <dataDir>/http-token)"
                : operatorToken == null ? "LiveKit access token with roomAdmin or sip.call"
                : "operator token or a LiveKit access token with roomAdmin or sip.call";
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static ApiResponse unauthorized(String message) {
        return ApiResponse.error(401, message).withHeader("WWW-Authenticate", "Bearer");
    }
}
