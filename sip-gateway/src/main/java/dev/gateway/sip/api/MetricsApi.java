package dev.gateway.sip.api;

import dev.gateway.sip.metrics.GatewayMetrics;
import java.io.IOException;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format ({@link GatewayMetrics}). Credentials were
 * checked before ({@link ApiAccess}: the operator token, a LiveKit token with an admin grant, or the metrics token).
 * Thread-safe; runs on the API's workers (a scrape waits up to 1 s for the live calls' counters).
 */
public final class MetricsApi implements ApiEndpoint {
    private final GatewayMetrics metrics;

    public MetricsApi(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public ApiResponse serve(ApiRequest request) throws IOException {
        if (!request.path().equals(ApiAccess.METRICS_PATH)) {
            return ApiResponse.error(404, "unknown path " + request.path() + " (try /metrics)");
        }
        if (!request.method().equals("GET")) {
            return ApiResponse.error(405, "use GET");
        }
        return new ApiResponse(200, GatewayMetrics.contentType(), metrics.scrape());
    }
}
