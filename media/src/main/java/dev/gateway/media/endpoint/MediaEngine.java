package dev.gateway.media.endpoint;

import dev.gateway.media.udp.DatagramEnvelopes;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The RTP engine: one Netty event loop group carrying every call's UDP sockets, an RTP port pool, and one 20 ms
 * tick per event loop that drives every call's media on that loop ({@link MediaTick}: play-out, mixing, pacing,
 * DTMF timing) instead of one timer per call. A late tick skips the slots it missed rather than catching up in a burst ({@link LoopTick}).
 *
 * <p>Threading: thread-safe. {@link #start()} creates the threads, {@link #stop()} ends them; the constructor
 * starts nothing.
 */
public final class MediaEngine {
    private static final int BIND_ATTEMPTS = 8;

    private final MediaEngineConfig config;
    private final RtpPortPool ports;
    private final LongSupplier nanoClock;
    private final System.Logger log = System.getLogger("media");
    private final LongAdder malformedTotal = new LongAdder();
    private final LongAdder pooledSends = new LongAdder();
    private final LongAdder fallbackSends = new LongAdder();
    private EventLoopGroup group;
    private Class<? extends DatagramChannel> channelClass;
    private final Map<EventExecutor, LoopTick> ticksByLoop = new IdentityHashMap<>();

    public MediaEngine(MediaEngineConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.ports = new RtpPortPool(config.portMin(), config.portMax());
        this.nanoClock = nanoClock;
    }

    /** Creates the event loops (epoll when available) and starts each loop's tick. */
    public synchronized void start() {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        channelClass = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        group = new MultiThreadIoEventLoopGroup(config.eventLoops(), new io.netty.util.concurrent.DefaultThreadFactory("media", true), io);
        for (EventExecutor loop : group) {
            LoopTick tick = new LoopTick((EventLoop) loop, System::nanoTime, nanoClock, log);
            ticksByLoop.put(loop, tick);
            tick.start();
        }
        log.log(System.Logger.Level.INFO, "media engine started: " + ticksByLoop.size() + " event loop(s), "
                + (epoll ? "epoll" : "nio") + ", RTP ports " + config.portMin() + "-" + config.portMax());
    }

    /** Closes every loop; endpoints still open are closed with their sockets. */
    public synchronized void stop() {
        if (group == null) {
            return;
        }
        ticksByLoop.values().forEach(LoopTick::cancel);
        log.log(System.Logger.Level.INFO, "media engine stopping: " + tickStats() + ", " + envelopeStats());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }

    /** The loop a new call's media (and its call state) should live on; spreads calls round-robin. */
    public EventLoop nextLoop() {
        return (EventLoop) group.next();
    }

    /**
     * Binds an RTP/RTCP socket pair on {@code loop}. Completes on that loop; fails when the port range is
     * exhausted or no pair could be bound.
     */
    public CompletableFuture<RtpEndpoint> open(EventLoop loop) {
        CompletableFuture<RtpEndpoint> result = new CompletableFuture<>();
        loop.execute(() -> bindPair(loop, BIND_ATTEMPTS, result));
        return result;
    }

    private void bindPair(EventLoop loop, int attemptsLeft, CompletableFuture<RtpEndpoint> result) {
        int port = ports.acquire();
        if (port < 0) {
            result.completeExceptionally(new MediaException("RTP port range " + config.portMin() + "-" + config.portMax() + " exhausted"));
            return;
        }
        RtpEndpoint endpoint = new RtpEndpoint(this, loop, port, config);
        ChannelFuture rtp = bootstrap(loop, endpoint, false).bind(new InetSocketAddress(config.bindAddress(), port));
        rtp.addListener(f -> {
            if (!f.isSuccess()) {
                retry(loop, port, attemptsLeft, result, null, f.cause());
                return;
            }
            ChannelFuture rtcp = bootstrap(loop, endpoint, true).bind(new InetSocketAddress(config.bindAddress(), port + 1));
            rtcp.addListener(g -> {
                if (!g.isSuccess()) {
                    retry(loop, port, attemptsLeft, result, rtp.channel(), g.cause());
                    return;
                }
                endpoint.attach(rtp.channel(), rtcp.channel());
                result.complete(endpoint);
            });
        });
    }

    private void retry(EventLoop loop, int port, int attemptsLeft, CompletableFuture<RtpEndpoint> result,
                       Channel opened, Throwable cause) {
        if (opened != null) {
            opened.close();
        }
        ports.release(port);
        log.log(System.Logger.Level.WARNING, "RTP port " + port + " could not be bound (" + cause.getMessage() + "), trying another");
        if (attemptsLeft <= 1) {
            result.completeExceptionally(new MediaException("no RTP port pair could be bound: " + cause.getMessage()));
        } else {
            bindPair(loop, attemptsLeft - 1, result);
        }
    }

    private Bootstrap bootstrap(EventLoop loop, RtpEndpoint endpoint, boolean rtcp) {
        return new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.SO_RCVBUF, 64 * 1024)
                .handler(new RtpInboundHandler(endpoint, rtcp));
    }

    /** Adds a participant to its loop's tick. Call on that loop. */
    public void register(MediaTick participant) {
        assert participant.eventLoop().inEventLoop();
        ticksByLoop.get(participant.eventLoop()).participants().add(participant);
    }

    /** Removes a participant from its loop's tick. Call on that loop. */
    public void unregister(MediaTick participant) {
        ticksByLoop.get(participant.eventLoop()).participants().remove(participant);
    }

    void releasePort(int port) {
        ports.release(port);
    }

    /**
     * Binds one UDP socket from the RTP port range on {@code loop} (a WebRTC transport: BUNDLE and rtcp-mux need
     * one port, so the odd port above stays unused). Completes on that loop. Release the port with
     * {@link #releaseDatagram(Channel)} when done.
     */
    public CompletableFuture<Channel> openDatagram(EventLoop loop, io.netty.channel.ChannelHandler handler) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        loop.execute(() -> bindSingle(loop, handler, BIND_ATTEMPTS, result));
        return result;
    }

    private void bindSingle(EventLoop loop, io.netty.channel.ChannelHandler handler, int attemptsLeft, CompletableFuture<Channel> result) {
        int port = ports.acquire();
        if (port < 0) {
            result.completeExceptionally(new MediaException("RTP port range " + config.portMin() + "-" + config.portMax() + " exhausted"));
            return;
        }
        // The caller's handler joins the pipeline only once the bind succeeded: a handler that is not @Sharable may
        // be added to one channel only, and a port already taken (by another process) costs a channel per attempt.
        // The listener runs on the loop inside the bind, before the loop reads from the new socket.
        new Bootstrap().group(loop).channel(channelClass).option(ChannelOption.SO_RCVBUF, 256 * 1024)
                .handler(NO_HANDLER)
                .bind(new InetSocketAddress(config.bindAddress(), port)).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        f.channel().pipeline().addLast(handler);
                        result.complete(f.channel());
                    } else {
                        f.channel().close(); // a failed bind leaves an open, unbound socket
                        ports.release(port);
                        if (attemptsLeft <= 1) {
                            result.completeExceptionally(new MediaException("no UDP port could be bound: " + f.cause().getMessage()));
                        } else {
                            bindSingle(loop, handler, attemptsLeft - 1, result);
                        }
                    }
                });
    }

    /** Closes a socket from {@link #openDatagram} and gives its port back. Idempotent per channel. */
    public void releaseDatagram(Channel channel) {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        channel.close();
        if (local != null && channel.attr(RELEASED).setIfAbsent(Boolean.TRUE) == null) {
            ports.release(local.getPort());
        }
    }

    /** Placeholder until a socket's own handler is added (see {@link #bindSingle}). */
    private static final io.netty.channel.ChannelHandler NO_HANDLER = new io.netty.channel.ChannelHandlerAdapter() {
        @Override
        public boolean isSharable() {
            return true;
        }
    };

    private static final io.netty.util.AttributeKey<Boolean> RELEASED = io.netty.util.AttributeKey.valueOf("gateway.portReleased");

    /** The address RTP and WebRTC sockets bind to. */
    public String bindAddress() {
        return config.bindAddress();
    }

    void countMalformed() {
        malformedTotal.increment();
    }

    /** The engine's clock (injected; tests control it). */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    System.Logger log() {
        return log;
    }

    /** How punctually the loops' ticks ran since start (see {@link LoopTick}); any thread. */
    public synchronized TickStats tickStats() {
        TickStats sum = new TickStats(0, 0, 0, 0);
        for (LoopTick t : ticksByLoop.values()) {
            sum = sum.plus(t.stats());
        }
        return sum;
    }

    /** How late the loops' ticks woke, all loops together, since start; any thread. */
    public synchronized TickLateness tickLateness() {
        TickLateness sum = TickLateness.empty();
        for (LoopTick t : ticksByLoop.values()) {
            sum = sum.plus(t.lateness());
        }
        return sum;
    }

    /** RTP port pairs in use now. */
    public int portsInUse() {
        return ports.inUse();
    }

    /** Adds a closed socket's envelope counts to the engine's totals ({@link #envelopeStats()}). Any thread. */
    public void retire(DatagramEnvelopes envelopes) {
        pooledSends.add(envelopes.pooledSends());
        fallbackSends.add(envelopes.fallbacks());
    }

    /**
     * Datagrams that closed sockets sent in pooled envelopes and in new ones (see {@link DatagramEnvelopes}), e.g.
     * {@code "datagrams sent: 15000 in pooled envelopes, 0 in new ones"}.
     */
    public String envelopeStats() {
        return "datagrams sent: " + pooledSends.sum() + " in pooled envelopes, " + fallbackSends.sum() + " in new ones";
    }

    /** Datagrams on RTP ports that were not RTP, since start. */
    public long malformedPackets() {
        return malformedTotal.sum();
    }
}
