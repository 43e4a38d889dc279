package dev.gateway.agent.signal;

/**
 * Turns WebSocket close codes and upgrade failures into readable {@code onClosed} reasons. Pure; any thread.
 *
 * <p>livekit-server refuses a bad join before the upgrade with a plain HTTP status and a one-line text body:
 * 401 for a missing, expired or badly signed token (the body then quotes the token, which we mask), 403 for a
 * token without the join grant, 404/400 for malformed requests, 500 when the room cannot be joined.
 */
final class SignalErrors {

    /** Keep reasons to one short line; the server's body could be long. */
    private static final int MAX_BODY_CHARS = 300;

    private SignalErrors() {
    }

    /** @param code RFC 6455 §7.4 status code; @param reason the peer's close reason, possibly empty */
    static String closeReason(int code, String reason) {
        String name = switch (code) {
            case 1000 -> "normal closure";
            case 1001 -> "going away";
            case 1002 -> "protocol error";
            case 1003 -> "unsupported data";
            case 1006 -> "abnormal closure";
            case 1008 -> "policy violation";
            case 1009 -> "message too big";
            case 1011 -> "server error";
            default -> "code";
        };
        String text = "signalling closed by server: " + code + " " + name;
        return reason == null || reason.isBlank() ? text : text + " (" + reason + ")";
    }

    /**
     * @param status the HTTP status the server answered the upgrade with (not 101)
     * @param phrase its reason phrase
     * @param body   the response body (the server's one-line reason)
     * @param token  our access token, masked out of the server's error text
     */
    static String refusedReason(int status, String phrase, String body, String token) {
        return "HTTP " + status + " " + phrase + oneLine(mask(body, token));
    }

    /**
     * @param t what the transport reported: lookup, connect, TLS, or a codec failure. Netty's own subclasses of
     *          JDK exceptions are named by the JDK class (its {@code AnnotatedConnectException} is a
     *          {@code ConnectException}), so reasons read the same whatever carries the socket.
     */
    static String failureReason(Throwable t) {
        Class<?> type = t.getClass();
        Class<?> parent = type.getSuperclass();
        if (type.getName().startsWith("io.netty.") && parent != null && parent.getName().startsWith("java.net.")) {
            type = parent;
        }
        String message = t.getMessage();
        return "signalling failed: " + type.getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String mask(String body, String token) {
        return token == null || token.isEmpty() ? body : body.replace(token, "<token>");
    }

    private static String oneLine(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return "";
        }
        return ": " + (line.length() > MAX_BODY_CHARS ? line.substring(0, MAX_BODY_CHARS) + "..." : line);
    }
}
