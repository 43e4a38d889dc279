package dev.gateway.agent.signal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * What every {@link SignalClient} connects through: one small shared Netty event loop group for all signalling
 * WebSockets (so the thread count does not grow with calls), a JDK TLS context for {@code wss} (the JDK's trust
 * store, hostname verification on, SNI from the URL's host), and one lookup thread for host names.
 *
 * <p>Why a group of its own and not the media engine's loops: the media loops pace every call's 20 ms frames, and
 * signalling brings bursts of CPU work that is not time-critical (TLS handshakes, the protobuf of a join response
 * that lists every participant). One loop carries thousands of idle sockets (a ping every 5 s each) and a burst of
 * handshakes is CPU-bound anyway, so one thread is enough; listeners hand off to their call's loop at once, as
 * they did from OkHttp's threads.
 *
 * <p>Name lookups: {@link InetAddress#getAllByName} blocks, so it runs on a single lookup thread (started on
 * demand, ends after 30 s idle; at most {@link #MAX_PENDING_LOOKUPS} queued) and never on the event loop. IP
 * literals need no lookup.
 *
 * <p>Threading: thread-safe. {@link #start()} creates the threads, {@link #stop()} ends them; clients must be
 * created between the two.
 */
public final class SignalNetwork {
    /** Pending host-name lookups beyond this fail the connect at once (a burst of calls to an unreachable DNS). */
    static final int MAX_PENDING_LOOKUPS = 1024;
    /** TCP connect, ms. */
    static final int CONNECT_TIMEOUT_MS = 5_000;
    /**
     * Outbound bytes queued on one socket above which it stops being writable; {@link SignalClient} then gives the
     * connection up: a server that stops reading must not grow our memory. Signal requests are a few KB.
     */
    static final int HIGH_WATER_MARK = 1 << 20;
    static final int LOW_WATER_MARK = 256 << 10;

    /** Certificates to trust instead of the JDK's CAs (tests), or null. */
    private final X509Certificate[] trusted;
    private EventLoopGroup group;
    private ThreadPoolExecutor lookups;
    private SslContext tls;

    /** Trusts the JDK's CAs for {@code wss}. */
    public SignalNetwork() {
        this.trusted = null;
    }

    /** Trusts only {@code trusted} for {@code wss} (tests); host names are still checked. */
    SignalNetwork(X509Certificate... trusted) {
        this.trusted = trusted.clone();
    }

    /** Creates the event loop; idempotent. */
    public synchronized SignalNetwork start() {
        if (group != null) {
            return this;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS");
            tls = (trusted == null ? builder : builder.trustManager(trusted)).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot create the TLS context for wss signalling: " + e.getMessage(), e);
        }
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("livekit-signal", true),
                NioIoHandler.newFactory());
        lookups = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_PENDING_LOOKUPS),
                new DefaultThreadFactory("livekit-dns", true));
        lookups.allowCoreThreadTimeOut(true);
        return this;
    }

    /** Closes every signalling socket at once (no close frames) and ends the threads. */
    public synchronized void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            lookups.shutdownNow();
            group = null;
        }
    }

    synchronized SslContext tls() {
        return tls;
    }

    /** A bootstrap on the shared loop with the timeouts and water marks of a signalling socket. */
    synchronized Bootstrap bootstrap() {
        if (group == null) {
            throw new IllegalStateException("signal network not started");
        }
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .resolver(NoopAddressResolverGroup.INSTANCE) // addresses arrive resolved, see lookup()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK));
    }

    /** The address of {@code host}: at once for an IP literal, else from the lookup thread. */
    CompletableFuture<InetAddress> lookup(String host) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return CompletableFuture.completedFuture(InetAddress.getByAddress(literal)); // no name: reasons show the address once
            } catch (UnknownHostException impossible) {
                return CompletableFuture.failedFuture(impossible); // only thrown for a wrong array length
            }
        }
        ThreadPoolExecutor pool;
        synchronized (this) {
            pool = lookups;
        }
        if (pool == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("signal network not started"));
        }
        CompletableFuture<InetAddress> found = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    found.complete(InetAddress.getByName(host));
                } catch (UnknownHostException e) {
                    found.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            found.completeExceptionally(new UnknownHostException(host + ": too many host name lookups pending ("
                    + MAX_PENDING_LOOKUPS + ")"));
        }
        return found;
    }
}
