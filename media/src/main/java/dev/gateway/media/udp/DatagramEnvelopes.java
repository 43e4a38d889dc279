package dev.gateway.media.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;

/**
 * Sends datagrams on an unconnected UDP socket without a new envelope per packet: a small pool of
 * {@link ReusableDatagram}s, one per packet in flight.
 *
 * <p>When an envelope is free again (Netty 4.2, epoll and NIO alike): {@code writeAndFlush} on the socket's loop
 * puts the envelope into the channel's outbound buffer and flushes at once; a datagram the kernel takes is removed
 * and released before {@code writeAndFlush} returns. Only while the socket's send buffer is full ({@code EAGAIN})
 * do envelopes stay queued until the socket is writable again, and a failed write or a closed channel releases
 * them too. So one envelope serves every packet of a healthy socket; the pool is only deep enough for a short
 * back-up. When all of them are in flight, or {@link #send} is called off the loop (where the release would race
 * the pool), the packet goes in a plain {@link DatagramPacket}, counted in {@link #fallbacks()}.
 *
 * <p>Why not a connected socket (which needs no address per packet): a connected UDP socket only hears its peer,
 * so packets from anyone else would be dropped by the kernel, uncounted and unlogged, where the phone leg's
 * strict source latch counts and logs them, and the room leg must still answer ICE checks from other candidates and
 * follow an ICE restart to a new remote.
 *
 * <p>Threading: loop-confined to {@code loop}, the event loop of every channel it sends on.
 */
public final class DatagramEnvelopes {
    /** Envelopes per socket: one is enough while the socket keeps up; the rest cover a send buffer backing up. */
    public static final int DEFAULT_SIZE = 4;

    private final EventExecutor loop;
    private final ReusableDatagram[] free;
    private int freeCount;
    private long pooledSends;
    private long fallbacks;

    public DatagramEnvelopes(EventExecutor loop, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, got " + size);
        }
        this.loop = loop;
        this.free = new ReusableDatagram[size];
        for (int i = 0; i < size; i++) {
            free[i] = new ReusableDatagram(this);
        }
        this.freeCount = size;
    }

    /** A pool of {@link #DEFAULT_SIZE}. */
    public DatagramEnvelopes(EventExecutor loop) {
        this(loop, DEFAULT_SIZE);
    }

    /**
     * Writes {@code content} to {@code to} on {@code channel} (whose loop must be this pool's) and flushes; takes
     * ownership of {@code content} (released once written, or when the write fails).
     */
    public void send(Channel channel, ByteBuf content, InetSocketAddress to) {
        channel.writeAndFlush(wrap(content, to), channel.voidPromise());
    }

    /**
     * An envelope for one outbound packet that owns {@code content}: a pooled one when one is free and we are on
     * the loop, else a new {@link DatagramPacket} (counted). Whoever writes it lets the channel release it.
     */
    public Object wrap(ByteBuf content, InetSocketAddress to) {
        if (freeCount > 0 && loop.inEventLoop()) {
            pooledSends++;
            ReusableDatagram envelope = free[--freeCount];
            free[freeCount] = null;
            return envelope.fill(content, to);
        }
        fallbacks++;
        return new DatagramPacket(content, to);
    }

    /** A released envelope comes back; one released off the loop is left to the garbage collector. */
    void giveBack(ReusableDatagram envelope) {
        if (freeCount < free.length && loop.inEventLoop()) {
            free[freeCount++] = envelope;
        }
    }

    /** Packets sent in a pooled envelope. */
    public long pooledSends() {
        return pooledSends;
    }

    /** Packets that needed a new envelope: every pooled one was in flight, or the sender was off the loop. */
    public long fallbacks() {
        return fallbacks;
    }

    /** Envelopes free now (the rest are in Netty's outbound buffer). */
    public int free() {
        return freeCount;
    }

    @Override
    public String toString() {
        return "envelopes(" + freeCount + "/" + free.length + " free, " + pooledSends + " pooled, " + fallbacks
                + " new)";
    }
}
