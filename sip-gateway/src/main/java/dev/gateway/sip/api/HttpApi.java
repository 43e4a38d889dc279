package dev.gateway.sip.api;

import dev.gateway.sip.config.HttpConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's HTTP server: {@code GET /healthz}, {@code GET /readyz}, {@code GET /metrics}, the operator's {@code /calls} API and LiveKit's Twirp API,
 * built so that no client can starve another or the health check:
 * <pre>
 *   accept -> connection cap (total, per source IP) -> request/idle timeouts -> HTTP/1.1 codec (line 4 KiB,
 *   headers 8 KiB) -> gate (Host, credentials, body size; answers /healthz itself) -> body (at most 4 MiB)
 *   -> dispatch to the worker pool (16 threads, 64 queued, then 503)
 * </pre>
 * Every connection is parsed on one event loop without blocking, so slow or idle clients cost a channel, not a
 * thread: a request must arrive in full within {@code http.readTimeoutSeconds}, a kept-alive connection is closed
 * after {@code http.idleTimeoutSeconds}, and refusals (over the caps, bad Host, no credentials) close the
 * connection. At the total cap the oldest connection not being served makes room ({@link ConnectionCap}). {@code /healthz} is answered on the loop, so it keeps answering while every worker is blocked in a
 * call-control request. A connection serves one request at a time (no pipelining).
 *
 * <p>Lifecycle: {@link #mount} before {@link #start()}; {@link #stop()} closes the loop and the pool it owns.
 * {@code start}/{@code stop} are called from one thread.
 */
public final class HttpApi {
    private static final System.Logger LOG = System.getLogger("http");
    /** Worker threads: LiveKit's call-control methods block one until the call is answered or transferred. */
    static final int WORKERS = 16;
    /** Requests waiting for a worker; more get 503. */
    static final int QUEUED = 64;
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    /** The largest body (LiveKit's relayed services); endpoints apply their own smaller limits. */
    static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpConfig config;
    private final ApiAccess access;
    private final HostCheck hosts;
    private final Supplier<ApiResponse> health;
    private final Supplier<ApiResponse> readiness;
    private final Map<String, ApiEndpoint> routes = new LinkedHashMap<>();
    private final ConnectionCap<Channel> cap;
    private final HttpRefusals refusals = new HttpRefusals(LOG);
    private EventLoopGroup loop;
    private ThreadPoolExecutor workers;
    private Channel server;

    /**
     * @param config bind address, port, timeouts, caps and allowed Host names
     * @param access who may call what
     * @param health the {@code /healthz} answer; called on the event loop, so it must not block
     */
    public HttpApi(HttpConfig config, ApiAccess access, Supplier<ApiResponse> health) {
        this(config, access, health, health);
    }

    /**
     * @param readiness the {@code /readyz} answer; called on the event loop, so it must not block
     */
    public HttpApi(HttpConfig config, ApiAccess access, Supplier<ApiResponse> health, Supplier<ApiResponse> readiness) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.config = Objects.requireNonNull(config, "config");
        this.access = Objects.requireNonNull(access, "access");
        this.hosts = new HostCheck(config.allowedHosts());
        this.health = Objects.requireNonNull(health, "health");
        this.cap = new ConnectionCap<>(config.maxConnections(), config.maxConnectionsPerSource(), HttpApi::evictable,
                ch -> {
                    refusals.count("connection(s) closed to make room at http.maxConnections ("
                            + config.maxConnections() + ")", (InetSocketAddress) ch.remoteAddress());
                    ch.close();
                });
    }

    /** Serves {@code endpoint} for every path starting with {@code prefix} (the longest prefix wins). */
    public void mount(String prefix, ApiEndpoint endpoint) {
        routes.put(prefix, endpoint);
    }

    public void start() throws InterruptedException {
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
                new DefaultThreadFactory("http-api", true));
        workers.allowCoreThreadTimeOut(true);
        loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-io", true), NioIoHandler.newFactory());
        Map<String, ApiEndpoint> byLength = new LinkedHashMap<>();
        routes.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, ApiEndpoint> e) ->
                e.getKey().length()).reversed()).forEachOrdered(e -> byLength.put(e.getKey(), e.getValue()));
        ServerBootstrap b = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetSocketAddress remote = ch.remoteAddress();
                        if (!cap.admit(ch, remote.getAddress())) {
                            refusals.count("connection(s) refused (http.maxConnectionsPerSource "
                                    + config.maxConnectionsPerSource() + " reached, or all http.maxConnections "
                                    + config.maxConnections() + " busy)", remote);
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> cap.release(ch));
                        RequestTimeouts timeouts = new RequestTimeouts(config.readTimeoutSeconds() * 1000L,
                                config.idleTimeoutSeconds() * 1000L, refusals);
                        ch.pipeline().addLast(timeouts,
                                new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192),
                                new ApiGateHandler(hosts, access, health, readiness, timeouts, refusals),
                                new HttpObjectAggregator(MAX_BODY),
                                new ApiDispatchHandler(byLength, workers, timeouts));
                    }
                });
        server = b.bind(config.bind(), config.port()).sync().channel();
        LOG.log(System.Logger.Level.INFO, "HTTP API on http://" + hostPart(config.bind()) + ":" + port()
                + " (read timeout " + config.readTimeoutSeconds() + " s, idle " + config.idleTimeoutSeconds()
                + " s, at most " + config.maxConnections() + " connections, " + config.maxConnectionsPerSource()
                + " per source)");
    }

    public void stop() {
        if (server != null) {
            server.close().awaitUninterruptibly();
            server = null;
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            loop = null;
        }
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }

    /** The bound port (useful when configured as 0 in tests). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A connection may be closed to make room unless its request is being served. */
    private static boolean evictable(Channel ch) {
        RequestTimeouts timeouts = ch.pipeline().get(RequestTimeouts.class);
        return timeouts == null || !timeouts.serving();
    }

    /** Requests waiting for a worker now (tests, stats). */
    int queued() {
        return workers.getQueue().size();
    }

    /** Open connections now (tests, stats). */
    public int connections() {
        return cap.total();
    }

    private static String hostPart(String bind) {
        return bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind;
    }

    /**
     * Writes {@code response}; then either reads the next request ({@code keepAlive}) or closes the connection.
     * Event loop only.
     */
    static ChannelFuture send(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive, boolean head) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        response.headers().forEach((k, v) -> r.headers().set(k, v));
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ChannelFuture f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }
}
