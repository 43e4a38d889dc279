package dev.gateway.sip.api.twirp;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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
     * Forwards the exchange and writes the server's answer to it (the caller closes the exchange).
     *
     * @throws TwirpException {@code unavailable} if no server is configured or it cannot be reached
     */
    void forward(HttpExchange ex) throws IOException {
        String service = ex.getRequestURI().getPath();
        if (baseUrl == null) {
            throw new TwirpException("unavailable", "no LiveKit server is configured (livekit.url), so " + service
                    + " cannot be forwarded; this gateway itself serves only livekit.SIP");
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new TwirpException("malformed", "request body larger than " + MAX_BODY + " bytes");
        }
        String query = ex.getRequestURI().getRawQuery();
        Request.Builder req = new Request.Builder()
                .url(baseUrl + ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                h.getValue().forEach(v -> req.addHeader(h.getKey(), v));
            }
        }
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        String method = ex.getRequestMethod();
        boolean hasBody = !method.equals("GET") && !method.equals("HEAD");
        req.method(method, hasBody ? RequestBody.create(body, contentType == null ? null : MediaType.parse(contentType))
                : null);
        try (Response resp = client.newCall(req.build()).execute()) {
            ResponseBody rb = resp.body();
            byte[] out = rb == null ? new byte[0] : rb.bytes();
            String type = resp.header("Content-Type");
            if (type != null) {
                ex.getResponseHeaders().set("Content-Type", type);
            }
            ex.sendResponseHeaders(resp.code(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                ex.getResponseBody().write(out);
            }
        } catch (IOException e) {
            throw new TwirpException("unavailable", "LiveKit server " + baseUrl + " did not answer: " + e.getMessage());
        }
    }
}
