package dev.gateway.sip.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response of an endpoint. Immutable by contract: the body array is not copied.
 *
 * @param status      HTTP status
 * @param contentType {@code Content-Type}, null when there is no body
 * @param body        the body, empty for none
 * @param headers     extra headers (e.g. {@code Retry-After})
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ApiResponse {
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    public ApiResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    /** {@code {"error": message}} with {@code status}. */
    public static ApiResponse error(int status, String message) {
        return json(status, JSON.createObjectNode().put("error", message));
    }

    /** {@code value} as JSON with {@code status}. */
    public static ApiResponse json(int status, Object value) {
        try {
            return new ApiResponse(status, "application/json", JSON.writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + value.getClass(), e);
        }
    }

    /** A copy with one more header. */
    public ApiResponse withHeader(String name, String value) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, body, h);
    }

    /** The body as UTF-8 text (tests, logs). */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
