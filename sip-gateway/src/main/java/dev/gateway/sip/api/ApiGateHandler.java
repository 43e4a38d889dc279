package dev.gateway.sip.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Checks a request from its line and headers, before its body is read: a request the codec could not parse
 * (400, or 431 for an over-long line or header block), a {@code Host} that is not allowed (421, the DNS-rebinding
 * guard; 400 when missing), credentials ({@link ApiAccess}: 401/403), a declared body over {@link HttpApi#MAX_BODY}
 * (413). Refusals close the connection after the answer and drop the rest of the request unread. {@code GET
 * /healthz} and {@code GET /readyz} are answered here, on the loop, without waiting for a worker. Requests that pass go on, with their
 * body, to the aggregator and {@link ApiDispatchHandler}. Loop-confined, one per connection.
 */
final class ApiGateHandler extends ChannelInboundHandlerAdapter {

    private final HostCheck hosts;
    private final ApiAccess access;
    private final Supplier<ApiResponse> health;
    private final Supplier<ApiResponse> readiness;
    private final RequestTimeouts timeouts;
    private final HttpRefusals refusals;
    /** The current request was answered here: drop its content. */
    private boolean answered;
    /** The current request is a health or readiness probe. */
    private boolean probe;

    ApiGateHandler(HostCheck hosts, ApiAccess access, Supplier<ApiResponse> health, Supplier<ApiResponse> readiness,
                   RequestTimeouts timeouts, HttpRefusals refusals) {
        this.hosts = hosts;
        this.access = access;
        this.health = health;
        this.readiness = readiness;
        this.timeouts = timeouts;
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            answered = false;
            probe = false;
            ApiResponse answer = check(ctx, request);
            if (answer != null) {
                answered = true;
                // a probe's answer (health, readiness, 429/503 included) keeps the connection; refusals close it
                boolean healthy = answer.status() == 200 || probe;
                boolean keepAlive = healthy && HttpUtil.isKeepAlive(request);
                timeouts.requestReceived();
                HttpApi.send(ctx, answer, keepAlive, request.method().equals(HttpMethod.HEAD)).addListener(f -> {
                    if (keepAlive && f.isSuccess()) {
                        timeouts.responseSent();
                    }
                });
            }
        }
        if (answered) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                answered = false; // the next request (if the connection stays) starts clean
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** @return the answer given here (a refusal or the health check), or null to pass the request on */
    private ApiResponse check(ChannelHandlerContext ctx, HttpRequest request) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            refusals.count("unparsable HTTP request(s)", remote);
            return cause instanceof TooLongFrameException
                    ? ApiResponse.error(431, "request line or headers too long (at most " + HttpApi.MAX_INITIAL_LINE
                    + " and " + HttpApi.MAX_HEADER_SIZE + " bytes)")
                    : ApiResponse.error(400, "malformed HTTP request");
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            refusals.count("request(s) without Host", remote);
            return ApiResponse.error(400, "a Host header is required");
        }
        if (!hosts.allows(host)) {
            refusals.count("request(s) naming a Host that is not allowed (http.allowedHosts)", remote);
            return ApiResponse.error(421, "Host '" + printable(host) + "' is not served here: use an IP address, "
                    + "localhost, or a name listed in http.allowedHosts");
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(ApiAccess.HEALTH_PATH) || path.equals(ApiAccess.READY_PATH)) {
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                return ApiResponse.error(405, "use GET");
            }
            probe = true;
            return path.equals(ApiAccess.HEALTH_PATH) ? health.get() : readiness.get();
        }
        ApiResponse refusal = access.refusal(path, request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (refusal != null) {
            refusals.count("request(s) without valid credentials", remote);
            return refusal;
        }
        long length;
        try {
            length = HttpUtil.getContentLength(request, 0L);
        } catch (NumberFormatException e) {
            return ApiResponse.error(400, "Content-Length is not a number");
        }
        if (length > HttpApi.MAX_BODY) {
            return ApiResponse.error(413, "body larger than " + HttpApi.MAX_BODY + " bytes");
        }
        return null;
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a codec failure: nothing to answer on this connection
    }
}
