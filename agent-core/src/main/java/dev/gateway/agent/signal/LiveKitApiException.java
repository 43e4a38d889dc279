package dev.gateway.agent.signal;

import java.io.IOException;

/**
 * A LiveKit server API (Twirp) call failed. {@link #httpStatus()} is the HTTP status, or {@link #NO_RESPONSE}
 * when the request never got one (connection refused, timeout); {@link #detail()} is the server's error text
 * (Twirp JSON such as {@code {"code":"not_found","msg":"room not found"}}) or the transport error. Immutable.
 */
public final class LiveKitApiException extends IOException {

    public static final int NO_RESPONSE = -1;

    private final String operation;
    private final int httpStatus;
    private final String detail;

    public LiveKitApiException(String operation, int httpStatus, String detail, Throwable cause) {
        super(operation + " failed: " + (httpStatus == NO_RESPONSE ? "no response" : "HTTP " + httpStatus)
                + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.operation = operation;
        this.httpStatus = httpStatus;
        this.detail = detail == null ? "" : detail;
    }

    /** e.g. {@code "DeleteRoom t1"}. */
    public String operation() {
        return operation;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String detail() {
        return detail;
    }
}
