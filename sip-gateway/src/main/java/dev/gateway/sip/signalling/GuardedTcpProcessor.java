package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RI's NIO TCP transport (one selector thread for every connection, parsing on the stack's bounded pool; the
 * idle sweep is the RI's {@code NIO_MAX_SOCKET_IDLE_TIME} auditor), with what it lacks for a port facing the
 * internet: a cap on accepted connections per source address and in total (over it, the connection is closed as
 * soon as it is accepted, counted and logged once per source and interval), and a {@link SipStreamGuard} in front
 * of the parser of every accepted connection.
 *
 * <p>One fix to the RI: its map from socket to channel is a plain {@link HashMap} that the selector thread, the
 * senders and the idle auditor on the timer thread all change, so it is replaced by {@link LockedChannelMap}.
 *
 * <p>Thread-safe: {@link #createMessageChannel(NioTcpMessageProcessor, SocketChannel)} runs on the selector
 * thread, {@link #release} on whichever thread closes a connection.
 */
final class GuardedTcpProcessor extends NioTcpMessageProcessor {
    private final TcpLimits limits;
    private final int maxMessageBytes;
    private final TransportAbuse abuse;
    private final AtomicInteger accepted = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();

    GuardedTcpProcessor(InetAddress address, SIPTransactionStack stack, int port, TcpLimits limits,
                        int maxMessageBytes, TransportAbuse abuse) {
        super(address, stack, port);
        this.limits = limits;
        this.maxMessageBytes = maxMessageBytes;
        this.abuse = abuse;
        LockedChannelMap.install(nioHandler);
    }

    /** Called by the RI's selector thread for each accepted connection. */
    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client)
            throws IOException {
        NioTcpMessageChannel known = nioHandler.getMessageChannel(client);
        if (known != null) {
            return known;
        }
        InetAddress source = client.socket().getInetAddress();
        String refusal = admit(source);
        if (refusal != null) {
            client.close();
            abuse.report(TransportAbuse.Kind.REFUSED_CONNECTION, source.getHostAddress(), refusal);
            throw new TcpConnectionRefused(refusal);
        }
        try {
            GuardedTcpChannel channel = new GuardedTcpChannel(this, client, source,
                    new SipStreamGuard(maxMessageBytes, maxMessageBytes));
            nioHandler.putMessageChannel(client, channel);
            return channel;
        } catch (IOException | RuntimeException e) {
            release(source);
            throw e;
        }
    }

    /** Takes a slot for a connection from {@code source}; the reason it is refused, or null. */
    private String admit(InetAddress source) {
        if (accepted.incrementAndGet() > limits.maxConnections()) {
            accepted.decrementAndGet();
            return limits.maxConnections() + " connections open in total (sip.tcp.maxConnections)";
        }
        boolean[] taken = {false};
        perSource.compute(source, (k, n) -> {
            int open = n == null ? 0 : n;
            if (open >= limits.maxConnectionsPerSource()) {
                return n;
            }
            taken[0] = true;
            return open + 1;
        });
        if (!taken[0]) {
            accepted.decrementAndGet();
            return limits.maxConnectionsPerSource() + " connections open from it (sip.tcp.maxConnectionsPerSource)";
        }
        return null;
    }

    /** Gives back the slot of a closed connection from {@code source}; once per connection. */
    void release(InetAddress source) {
        accepted.decrementAndGet();
        perSource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    TransportAbuse abuse() {
        return abuse;
    }

    /** Accepted connections open now. */
    int accepted() {
        return accepted.get();
    }

    /**
     * The RI's socket-to-channel map with every access under one lock, and iteration over a copy (the idle
     * auditor closes channels while it iterates, which removes them from the map).
     */
    static final class LockedChannelMap extends HashMap<SocketChannel, NioTcpMessageChannel> {
        private static final long serialVersionUID = 1L;

        /** Replaces {@code handler}'s map; the RI gives no other way to reach the field. */
        static void install(NIOHandler handler) {
            try {
                Field field = NIOHandler.class.getDeclaredField("channelMap");
                field.setAccessible(true);
                field.set(handler, new LockedChannelMap());
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("jain-sip-ri's NIOHandler.channelMap is not where it was: " + e, e);
            }
        }

        @Override public synchronized NioTcpMessageChannel get(Object key) { return super.get(key); }
        @Override public synchronized NioTcpMessageChannel put(SocketChannel k, NioTcpMessageChannel v) { return super.put(k, v); }
        @Override public synchronized NioTcpMessageChannel remove(Object key) { return super.remove(key); }
        @Override public synchronized boolean containsKey(Object key) { return super.containsKey(key); }
        @Override public synchronized int size() { return super.size(); }
        @Override public synchronized boolean isEmpty() { return super.isEmpty(); }
        @Override public synchronized void clear() { super.clear(); }
        @Override public synchronized Set<Map.Entry<SocketChannel, NioTcpMessageChannel>> entrySet() {
            java.util.List<Map.Entry<SocketChannel, NioTcpMessageChannel>> copy = new java.util.ArrayList<>(super.size());
            for (Map.Entry<SocketChannel, NioTcpMessageChannel> e : super.entrySet()) {
                copy.add(new java.util.AbstractMap.SimpleImmutableEntry<>(e));
            }
            return Set.copyOf(copy);
        }
        @Override public synchronized Set<SocketChannel> keySet() { return Set.copyOf(super.keySet()); }
    }
}
