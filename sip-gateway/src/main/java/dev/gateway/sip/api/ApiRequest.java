package dev.gateway.sip.api;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One HTTP request as the API's endpoints see it: read in full (headers and body) and already past the Host and
 * credential checks of {@link ApiGateHandler}. Immutable by contract: endpoints must not modify {@code headers} or
 * {@code body}.
 *
 * @param method   request method, e.g. {@code POST}
 * @param path     the decoded path, e.g. {@code /calls/abc/hangup}
 * @param rawPath  the path as sent (percent-encoding kept), for relaying
 * @param rawQuery the query as sent, null if none
 * @param headers  the request headers (case-insensitive look-up)
 * @param body     the body, empty if none
 * @param remote   the client's address
 */
public record ApiRequest(String method, String path, String rawPath, String rawQuery, HttpHeaders headers,
                         byte[] body, InetSocketAddress remote) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
