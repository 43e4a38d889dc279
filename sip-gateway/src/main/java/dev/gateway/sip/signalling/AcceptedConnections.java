package dev.gateway.sip.signalling;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections the TCP and TLS listening points have accepted, against {@link TcpLimits}: a connection over
 * the cap for its source address or over the total is closed as soon as it is accepted, counted and logged once
 * per source and interval ({@link TransportAbuse}). Each accepted connection holds a slot until its channel
 * closes ({@link #release}).
 *
 * <p>Thread-safe: accepts run on the selector threads, releases on whichever thread closes a connection. Bounded:
 * one map entry per source address with a connection open.
 */
final class AcceptedConnections {
    /** Makes the stack's channel for a connection that got a slot. */
    interface ChannelMaker {
        NioTcpMessageChannel channel(InetAddress source) throws IOException;
    }

    private final TcpLimits limits;
    private final TransportAbuse abuse;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();

    AcceptedConnections(TcpLimits limits, TransportAbuse abuse) {
        this.limits = limits;
        this.abuse = abuse;
    }

    /**
     * The channel for a connection just accepted by {@code handler}'s selector: the one it has, a new one from
     * {@code maker}, or none (the connection is closed and {@link TcpConnectionRefused} thrown).
     */
    NioTcpMessageChannel accept(NIOHandler handler, SocketChannel client, ChannelMaker maker) throws IOException {
        NioTcpMessageChannel known = handler.getMessageChannel(client);
        if (known != null) {
            return known;
        }
        InetAddress source = client.socket().getInetAddress();
        String refusal = take(source);
        if (refusal != null) {
            client.close();
            abuse.report(TransportAbuse.Kind.REFUSED_CONNECTION, source.getHostAddress(), refusal);
            throw new TcpConnectionRefused(refusal);
        }
        try {
            NioTcpMessageChannel channel = maker.channel(source);
            handler.putMessageChannel(client, channel);
            return channel;
        } catch (IOException | RuntimeException e) {
            release(source);
            throw e;
        }
    }

    /** Takes a slot for a connection from {@code source}; the reason it is refused, or null. */
    String take(InetAddress source) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            return limits.maxConnections() + " connections open in total (sip.tcp.maxConnections)";
        }
        boolean[] taken = {false};
        perSource.compute(source, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= limits.maxConnectionsPerSource()) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        if (!taken[0]) {
            open.decrementAndGet();
            return limits.maxConnectionsPerSource() + " connections open from it (sip.tcp.maxConnectionsPerSource)";
        }
        return null;
    }

    /** Gives back the slot of a closed connection from {@code source}; once per connection. */
    void release(InetAddress source) {
        open.decrementAndGet();
        perSource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Accepted connections open now. */
    int open() {
        return open.get();
    }

    TransportAbuse abuse() {
        return abuse;
    }
}
