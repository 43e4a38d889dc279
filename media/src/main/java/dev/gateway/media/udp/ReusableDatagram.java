package dev.gateway.media.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.IllegalReferenceCountException;
import java.net.InetSocketAddress;

/**
 * An outbound datagram envelope (a packet and where it goes) that goes back to its {@link DatagramEnvelopes} when
 * released, instead of Netty's {@link DatagramPacket}, which is immutable and so new for every packet. Netty's
 * datagram channels take any {@link AddressedEnvelope} with a {@link ByteBuf} and an {@link InetSocketAddress}
 * (epoll and NIO {@code filterOutboundMessage}); the channel's outbound buffer releases it once the packet is
 * written (or failed), which is when it is free again.
 *
 * <p>Reference counting: the envelope has its own count, 1 when handed out; it holds exactly one reference to its
 * content, dropped when the count reaches 0. {@link #retain} and {@link #release} work on the envelope's count
 * (not the content's, unlike {@link DatagramPacket}, which delegates): a release to 0 releases the content once
 * and returns the envelope to its pool. <b>Touching it after that is a bug</b>, as with any recycled Netty object:
 * it may already carry another packet. A release past 0 throws {@link IllegalReferenceCountException}.
 *
 * <p>Implements {@link ByteBufHolder} so that Netty sizes it by its content for the channel's write-buffer
 * accounting, as it sizes a {@link DatagramPacket}; the holder's copy operations return plain
 * {@link DatagramPacket}s.
 *
 * <p>Threading: confined to the event loop of its pool (taken, written and released there).
 */
public final class ReusableDatagram implements AddressedEnvelope<ByteBuf, InetSocketAddress>, ByteBufHolder {
    private final DatagramEnvelopes pool;
    private ByteBuf content;
    private InetSocketAddress recipient;
    private int refs;

    ReusableDatagram(DatagramEnvelopes pool) {
        this.pool = pool;
    }

    /** Fills a free envelope: it now owns {@code data} (one reference) and has a count of 1. */
    ReusableDatagram fill(ByteBuf data, InetSocketAddress to) {
        assert refs == 0 : "a pooled envelope still in use";
        this.content = data;
        this.recipient = to;
        this.refs = 1;
        return this;
    }

    /** The packet; null while the envelope is free (in its pool). The recipient stays until it is used again. */
    @Override
    public ByteBuf content() {
        return content;
    }

    /** Outbound only: we never set a source, the socket's own address is used. */
    @Override
    public InetSocketAddress sender() {
        return null;
    }

    @Override
    public InetSocketAddress recipient() {
        return recipient;
    }

    @Override
    public int refCnt() {
        return refs;
    }

    @Override
    public ReusableDatagram retain() {
        return retain(1);
    }

    @Override
    public ReusableDatagram retain(int increment) {
        if (refs <= 0) {
            throw new IllegalReferenceCountException(refs, increment);
        }
        refs += increment;
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        if (decrement <= 0 || refs < decrement) {
            throw new IllegalReferenceCountException(refs, -decrement);
        }
        refs -= decrement;
        if (refs > 0) {
            return false;
        }
        ByteBuf data = content;
        content = null;
        // recipient stays: Netty's epoll filterOutboundMessage releases an envelope with a heap buffer (moving the
        // bytes to a direct one) and only then reads recipient() for the new envelope
        try {
            data.release();
        } finally {
            pool.giveBack(this);
        }
        return true;
    }

    @Override
    public ReusableDatagram touch() {
        return touch(null);
    }

    @Override
    public ReusableDatagram touch(Object hint) {
        if (content != null) {
            content.touch(hint);
        }
        return this;
    }

    @Override
    public DatagramPacket copy() {
        return new DatagramPacket(content.copy(), recipient);
    }

    @Override
    public DatagramPacket duplicate() {
        return new DatagramPacket(content.duplicate(), recipient);
    }

    @Override
    public DatagramPacket retainedDuplicate() {
        return new DatagramPacket(content.retainedDuplicate(), recipient);
    }

    @Override
    public DatagramPacket replace(ByteBuf data) {
        return new DatagramPacket(data, recipient);
    }

    @Override
    public String toString() {
        return "ReusableDatagram(=> " + recipient + ", " + content + ", refs " + refs + ")";
    }
}
