package dev.gateway.sip.api.twirp;

import dev.gateway.sip.api.ApiRequest;
import dev.gateway.sip.api.ApiResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Forwards Twirp requests for LiveKit's other services ({@code livekit.RoomService}, {@code
 * livekit.AgentDispatchService}, ...) unchanged to the LiveKit server, so a client pointed at the gateway can use
 * the whole server API: method, path, query, headers (including {@code Authorization}, which LiveKit checks
 * itself) and body go out; status, {@code Content-Type} and body come back. Hop-by-hop headers are dropped;
 * OkHttp negotiates compression with the server on its own and relays the decoded body.
 *
 * <p>Thread-safe; blocks the calling thread for the round trip (bounded by the OkHttp client's timeouts).
 */
public final class LiveKitProxy {

    private static final int MAX_BODY = 4 * 1024 * 1024;
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length",
            "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "proxy-authorization",
            "proxy-connection", "accept-encoding", "expect");

    private final String baseUrl;
    private final OkHttpClient client;

    private LiveKitProxy(String baseUrl, OkHttpClient client) {
        this.baseUrl = baseUrl;
        this.client = client;
    }

    /**
     * @param liveKitUrl the server URL as configured ({@code ws(s)://} or {@code http(s)://}); the HTTP form is used
     */
    public static LiveKitProxy to(String liveKitUrl, OkHttpClient client) {
        String u = liveKitUrl.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ws://")) {
            u = "http://" + u.substring(5);
        } else if (lower.startsWith("wss://")) {
            u = "https://" + u.substring(6);
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return new LiveKitProxy(u, client);
    }

    /** A proxy for a gateway without LiveKit: every request is answered {@code unavailable}. */
    public static LiveKitProxy none() {
        return new LiveKitProxy(null, null);
    }

    /** The server's base URL ({@code http(s)://host:port}), or null for {@link #none()}. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Forwards the request and returns the server's answer.
     *
     * @throws TwirpException {@code unavailable} if no server is configured or it cannot be reached
     */
    ApiResponse forward(ApiRequest ex) {
        String service = ex.path();
        if (baseUrl == null) {
            throw new TwirpException("unavailable", "no LiveKit server is configured (livekit.url), so " + service
                    + " cannot be forwarded; this gateway itself serves only livekit.SIP");
        }
        byte[] body = ex.body();
        if (body.length > MAX_BODY) {
            throw new TwirpException("malformed", "request body larger than " + MAX_BODY + " bytes");
        }
        String query = ex.rawQuery();
        Request.Builder req = new Request.Builder()
                .url(baseUrl + ex.rawPath() + (query == null ? "" : "?" + query));
        for (Map.Entry<String, String> h : ex.headers()) {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                req.addHeader(h.getKey(), h.getValue());
            }
        }
        String contentType = ex.header("Content-Type");
        String method = ex.method();
        boolean hasBody = !method.equals("GET") && !method.equals("HEAD");
        req.method(method, hasBody ? RequestBody.create(body, contentType == null ? null : MediaType.parse(contentType))
                : null);
        try (Response resp = client.newCall(req.build()).execute()) {
            ResponseBody rb = resp.body();
            byte[] out = rb == null ? new byte[0] : rb.bytes();
            return new ApiResponse(resp.code(), resp.header("Content-Type"), out);
        } catch (IOException e) {
            throw new TwirpException("unavailable", "LiveKit server " + baseUrl + " did not answer: " + e.getMessage());
        }
    }
}
