package dev.gateway.sip.redis;

import dev.gateway.sip.config.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The gateway's connection to the Redis that nodes share ({@link RedisConfig}): one connection for commands, one
 * for pub/sub, both reconnecting on their own (100 ms doubling to 5 s between attempts). Commands fail at once
 * while Redis is unreachable (no queueing) and after {@code timeoutSeconds} otherwise.
 *
 * <p>Threads: Lettuce's two I/O and two computation threads never run our code; every subscribed message, and the resync callbacks
 * after a reconnection, run on one "redis-events" thread in arrival order, behind a queue of {@value #QUEUE}
 * entries (a flood past that is dropped and counted, logged once). Commands ({@link #commands()}) block and must
 * not be called from a Netty or JAIN-SIP thread.
 *
 * <p>Thread-safe. Owns its threads: {@link #connect} starts them, {@link #close} stops them.
 */
public final class RedisLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("redis");
    /**
     * Lettuce's watchdog warns at every failed reconnection attempt (up to ten a second); this class says once
     * that Redis is lost and once that it is back. Held here: java.util.logging keeps loggers weakly.
     */
    private static final java.util.logging.Logger WATCHDOG =
            java.util.logging.Logger.getLogger("io.lettuce.core.protocol.ConnectionWatchdog");
    private static final java.util.logging.Logger RECONNECTION =
            java.util.logging.Logger.getLogger("io.lettuce.core.protocol.ReconnectionHandler");

    static {
        WATCHDOG.setLevel(java.util.logging.Level.SEVERE);
        RECONNECTION.setLevel(java.util.logging.Level.SEVERE);
    }
    static final int QUEUE = 1024;
    static final int RESYNC_RETRY_MILLIS = 500;
    static final int RESYNC_TRIES = 120;

    private final RedisConfig config;
    private final ClientResources resources;
    private final RedisClient client;
    private final ThreadPoolExecutor events;
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final List<BooleanSupplier> resyncs = new CopyOnWriteArrayList<>();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean commandsUp = new AtomicBoolean(true);
    private final AtomicBoolean pubsubUp = new AtomicBoolean(true);
    private volatile boolean closing;
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;

    private RedisLink(RedisConfig config) {
        this.config = config;
        this.resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        Duration timeout = Duration.ofSeconds(config.timeoutSeconds());
        RedisURI.Builder uri = RedisURI.Builder.redis(config.host(), config.port()).withDatabase(config.db())
                .withSsl(config.tls()).withTimeout(timeout);
        if (config.password() != null) {
            uri = config.username() == null ? uri.withPassword(config.password().toCharArray())
                    : uri.withAuthentication(config.username(), config.password().toCharArray());
        }
        this.client = RedisClient.create(resources, uri.build());
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        this.events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "redis-events");
            t.setDaemon(true);
            return t;
        }, (r, pool) -> dropped());
    }

    /**
     * Connects both connections.
     *
     * @throws IOException naming {@code redis.address} when Redis cannot be reached or refuses the credentials
     */
    public static RedisLink connect(RedisConfig config) throws IOException {
        RedisLink link = new RedisLink(config);
        try {
            link.commands = link.client.connect();
            link.pubsub = link.client.connectPubSub();
        } catch (RedisException e) {
            link.close();
            throw new IOException("redis.address " + config.address() + ": cannot connect" + (config.tls() ? " (tls)" : "")
                    + ": " + rootMessage(e), e);
        }
        link.pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Consumer<String> h = link.handlers.get(channel);
                if (h != null) {
                    link.run(() -> h.accept(message));
                }
            }
        });
        link.client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                link.up(connection, false);
                if (!link.closing && link.lost.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "redis " + config.address() + " lost: serving the last "
                            + "trunks and dispatch rules, reconnecting");
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                link.up(connection, true);
                // resync once both are back: the re-read needs the command connection, the news the pub/sub one
                if (link.commandsUp.get() && link.pubsubUp.get() && link.lost.compareAndSet(true, false)) {
                    LOG.log(System.Logger.Level.INFO, "redis " + config.address() + " back: resyncing");
                    link.resyncs.forEach(r -> link.resync(r, 0));
                }
            }
        });
        LOG.log(System.Logger.Level.INFO, "redis " + config.address() + " connected (db " + config.db() + ", key prefix "
                + config.keyPrefix() + ")");
        return link;
    }

    private void up(RedisChannelHandler<?, ?> connection, boolean up) {
        if (connection == commands) {
            commandsUp.set(up);
        } else if (connection == pubsub) {
            pubsubUp.set(up);
        }
    }

    /** {@code name} under the configured key prefix. */
    public String key(String name) {
        return config.keyPrefix() + name;
    }

    /** Blocking commands (see the class comment); they throw {@link RedisException} when Redis is unreachable. */
    public RedisCommands<String, String> commands() {
        return commands.sync();
    }

    /** Delivers every message of {@code channel} to {@code handler} on the events thread; one handler a channel. */
    public void subscribe(String channel, Consumer<String> handler) {
        handlers.put(channel, handler);
        pubsub.sync().subscribe(channel);
    }

    /**
     * Runs {@code resync} on the events thread each time the connections come back after a loss; while it answers
     * false (Redis not readable yet) it is tried again every {@value #RESYNC_RETRY_MILLIS} ms, up to
     * {@value #RESYNC_TRIES} times.
     */
    public void onResync(BooleanSupplier resync) {
        resyncs.add(resync);
    }

    private void resync(BooleanSupplier r, int attempt) {
        run(() -> {
            if (!r.getAsBoolean() && !closing && attempt + 1 < RESYNC_TRIES) {
                resources.eventExecutorGroup().schedule(() -> resync(r, attempt + 1), RESYNC_RETRY_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Queues {@code task} on the events thread (dropped and counted when the queue is full). */
    public void run(Runnable task) {
        events.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "redis event failed: " + e);
            }
        });
    }

    /** True from the loss of either connection until both are back. */
    public boolean lost() {
        return lost.get();
    }

    @Override
    public void close() {
        closing = true;
        events.shutdownNow();
        for (AutoCloseable c : new AutoCloseable[] {pubsub, commands}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }

    private void dropped() {
        if (closing) {
            return; // a message arriving while we close
        }
        dropped.increment();
        if (dropLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "redis events queue full (" + QUEUE + "): dropping messages");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    @Override
    public String toString() {
        return "RedisLink[" + config + "]";
    }
}
