package dev.gateway.sip.api.twirp;

import com.google.protobuf.Message;
import dev.gateway.sip.api.ApiAccess;
import dev.gateway.sip.api.ApiResponse;
import dev.gateway.sip.api.HttpApi;
import dev.gateway.sip.config.HttpConfig;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The gateway's {@link HttpApi} on a free loopback port serving one {@link TwirpHandler} (its gate checking tokens
 * with {@code verifier}), and an OkHttp client for it.
 */
final class TwirpTestServer implements AutoCloseable {

    static final MediaType JSON = MediaType.get("application/json");
    static final MediaType PROTOBUF = MediaType.get("application/protobuf");

    /** One answer: HTTP status, Content-Type and body. */
    record Reply(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final HttpApi server;
    final OkHttpClient http = new OkHttpClient();

    TwirpTestServer(TwirpHandler handler) throws IOException {
        server = new HttpApi(HttpConfig.of("127.0.0.1", 0), new ApiAccess(handler.verifier(), null),
                () -> ApiResponse.error(200, "ok"));
        server.mount(TwirpHandler.CONTEXT, handler);
        try {
            server.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    Reply post(String path, String token, MediaType type, byte[] body) throws IOException {
        Request.Builder b = new Request.Builder().url(baseUrl() + path).post(RequestBody.create(body, type));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try (Response r = http.newCall(b.build()).execute()) {
            return new Reply(r.code(), r.header("Content-Type"), r.body().bytes());
        }
    }

    Reply json(String method, String token, String body) throws IOException {
        return post("/twirp/livekit.SIP/" + method, token, JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Posts {@code request} as protobuf and parses a 200 answer as {@code responseType}. */
    @SuppressWarnings("unchecked")
    <T extends Message> T proto(String method, String token, Message request, T responseType) throws IOException {
        Reply r = post("/twirp/livekit.SIP/" + method, token, PROTOBUF, request.toByteArray());
        if (r.status() != 200) {
            throw new AssertionError(method + " answered " + r.status() + ": " + r.text());
        }
        if (!"application/protobuf".equals(r.contentType())) {
            throw new AssertionError(method + " answered Content-Type " + r.contentType());
        }
        return (T) responseType.getParserForType().parseFrom(r.body());
    }

    @Override
    public void close() {
        server.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
