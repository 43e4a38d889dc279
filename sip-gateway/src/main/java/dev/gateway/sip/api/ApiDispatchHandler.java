package dev.gateway.sip.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands a complete, admitted request to its {@link ApiEndpoint} on the worker pool and writes the answer back on
 * the loop. While a request is served the connection reads nothing more (auto-read off), so a client has one
 * request in flight per connection; a pipelined one closes the connection after the current answer. A full pool
 * answers 503 with {@code Retry-After}. Loop-confined, one per connection.
 */
final class ApiDispatchHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger("http");

    private final Map<String, ApiEndpoint> routes;
    private final Executor workers;
    private final RequestTimeouts timeouts;
    private boolean serving;

    /** @param routes path prefix to endpoint, longest prefix first */
    ApiDispatchHandler(Map<String, ApiEndpoint> routes, Executor workers, RequestTimeouts timeouts) {
        this.routes = routes;
        this.workers = workers;
        this.timeouts = timeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest full)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ApiRequest request;
        boolean keepAlive;
        try {
            if (serving) {
                ctx.close(); // pipelining: not supported, the client retries on a new connection
                return;
            }
            timeouts.requestReceived();
            keepAlive = HttpUtil.isKeepAlive(full);
            QueryStringDecoder uri = new QueryStringDecoder(full.uri());
            String rawPath = uri.rawPath();
            String rawQuery = uri.rawQuery().isEmpty() ? null : uri.rawQuery();
            HttpHeaders headers = new DefaultHttpHeaders().set(full.headers());
            request = new ApiRequest(full.method().name(), uri.path(), rawPath, rawQuery, headers,
                    ByteBufUtil.getBytes(full.content()), (InetSocketAddress) ctx.channel().remoteAddress());
        } finally {
            full.release();
        }
        boolean head = request.method().equals(HttpMethod.HEAD.name());
        ApiEndpoint endpoint = route(request.path());
        serving = true;
        ctx.channel().config().setAutoRead(false);
        try {
            workers.execute(() -> {
                ApiResponse response = serve(endpoint, request);
                ctx.executor().execute(() -> reply(ctx, response, keepAlive, head));
            });
        } catch (RejectedExecutionException e) {
            reply(ctx, ApiResponse.error(503, "the HTTP API is busy (" + HttpApi.WORKERS + " requests in progress and "
                    + HttpApi.QUEUED + " waiting): retry shortly").withHeader("Retry-After", "1"), false, head);
        }
    }

    private void reply(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive, boolean head) {
        HttpApi.send(ctx, response, keepAlive, head).addListener(f -> {
            serving = false;
            if (keepAlive && f.isSuccess()) {
                timeouts.responseSent();
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    private ApiEndpoint route(String path) {
        for (Map.Entry<String, ApiEndpoint> e : routes.entrySet()) {
            if (path.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return r -> ApiResponse.error(404, "unknown path " + r.path() + " (try /healthz or /calls)");
    }

    private static ApiResponse serve(ApiEndpoint endpoint, ApiRequest request) {
        try {
            return endpoint.serve(request);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "HTTP API failure on " + request.method() + " " + request.path(), e);
            return ApiResponse.error(500, "internal error: " + e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset, or a body over the aggregator's limit: nothing more to say on this connection
    }
}
