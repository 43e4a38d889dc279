package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The RI's NIO TCP transport (one selector thread for every connection, parsing on the stack's bounded pool; the
 * idle sweep is the RI's {@code NIO_MAX_SOCKET_IDLE_TIME} auditor), with what it lacks for a port facing the
 * internet: the caps of {@link AcceptedConnections}, and a {@link SipStreamGuard} in front of the parser of every
 * accepted connection ({@link GuardedTcpChannel}).
 *
 * <p>Two fixes to the RI: its map from socket to channel is a plain {@link HashMap} that the selector thread, the
 * senders and the idle auditor on the timer thread all change, so it is replaced by {@link LockedChannelMap}; and
 * it forgot the connections it opened ({@link KeptConnectionsNioHandler}).
 *
 * <p>Thread-safe: {@link #createMessageChannel(NioTcpMessageProcessor, SocketChannel)} runs on the selector thread.
 */
final class GuardedTcpProcessor extends NioTcpMessageProcessor {
    private final AcceptedConnections accepted;
    private final int maxMessageBytes;

    GuardedTcpProcessor(InetAddress address, SIPTransactionStack stack, int port, AcceptedConnections accepted,
                        int maxMessageBytes) {
        super(address, stack, port);
        this.accepted = accepted;
        this.maxMessageBytes = maxMessageBytes;
        nioHandler = KeptConnectionsNioHandler.install(nioHandler, stack, this);
        LockedChannelMap.install(nioHandler);
    }

    /** Called by the RI's selector thread for each accepted connection. */
    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client)
            throws IOException {
        return accepted.accept(nioHandler, client, source -> new GuardedTcpChannel(this, client,
                new GuardedConnection(accepted, source, new SipStreamGuard(maxMessageBytes, maxMessageBytes))));
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
        @Override public synchronized Set<SocketChannel> keySet() { return Set.copyOf(super.keySet()); }

        @Override
        public synchronized Set<Map.Entry<SocketChannel, NioTcpMessageChannel>> entrySet() {
            List<Map.Entry<SocketChannel, NioTcpMessageChannel>> copy = new ArrayList<>(super.size());
            for (Map.Entry<SocketChannel, NioTcpMessageChannel> e : super.entrySet()) {
                copy.add(new AbstractMap.SimpleImmutableEntry<>(e));
            }
            return Set.copyOf(copy);
        }
    }
}
