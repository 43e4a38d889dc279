package dev.gateway.sip.api;

import java.io.IOException;

/**
 * Serves the requests under one path prefix of the {@link HttpApi}. Called on the API's bounded worker pool, never
 * on an event loop, so it may block (for a call snapshot, a hangup, an outbound call being answered); each
 * blocked call holds one of the pool's threads. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ApiEndpoint {

    /** Answers {@code request}; an exception becomes a 500 with a one-line log. */
    ApiResponse serve(ApiRequest request) throws IOException;
}
