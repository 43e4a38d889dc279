package dev.gateway.media.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.IllegalReferenceCountException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DatagramEnvelopes} and {@link ReusableDatagram}: envelopes come back when the channel releases them,
 * the pool falls back to a new {@link DatagramPacket} only when every envelope is in flight or off the loop, and
 * each packet's buffer is released exactly once (the build runs Netty's leak detector at PARANOID).
 */
class DatagramEnvelopesTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);
    private static EventLoopGroup group;

    @BeforeAll
    static void startLoop() {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, io);
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static ByteBuf packet(int... bytes) {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    /** One datagram from {@code peer} (a loopback socket that should already hold it); fails after 5 s. */
    private static void receive(DatagramChannel peer, ByteBuffer in) throws Exception {
        peer.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (peer.receive(in) == null) {
            assertTrue(System.nanoTime() - deadline < 0, "no datagram arrived");
            Thread.sleep(5);
        }
    }

    @Test
    void onARealSocketEveryPacketReusesTheSameEnvelopeAndArrives() throws Exception {
        try (DatagramChannel peer = DatagramChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
            peer.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            Channel channel = new Bootstrap().group(group)
                    .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync().channel();
            try {
                DatagramEnvelopes envelopes = new DatagramEnvelopes(channel.eventLoop(), 2);
                ByteBuf[] sent = new ByteBuf[10];
                int[] freeAfterEach = channel.eventLoop().submit(() -> {
                    int[] free = new int[sent.length];
                    for (int i = 0; i < sent.length; i++) {
                        sent[i] = packet(0x80, i);
                        envelopes.send(channel, sent[i], to);
                        free[i] = envelopes.free();
                    }
                    return free;
                }).get(5, TimeUnit.SECONDS);

                assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, freeAfterEach,
                        "the kernel took each datagram inside writeAndFlush: the envelope was back at once");
                assertEquals(10, envelopes.pooledSends());
                assertEquals(0, envelopes.fallbacks());
                for (ByteBuf b : sent) {
                    assertEquals(0, b.refCnt(), "released once written");
                }
                ByteBuffer in = ByteBuffer.allocate(64);
                for (int i = 0; i < sent.length; i++) {
                    in.clear();
                    receive(peer, in);
                    assertEquals(2, in.position());
                    assertEquals(i, in.get(1), "packet " + i + " in order, its own bytes");
                }
            } finally {
                channel.close().sync();
            }
        }
    }

    @Test
    void whenEveryEnvelopeIsInFlightTheNextPacketGetsANewOneAndIsCounted() {
        // an EmbeddedChannel keeps what is written until the test reads it: envelopes stay in flight
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramEnvelopes envelopes = new DatagramEnvelopes(channel.eventLoop(), 2);
        envelopes.send(channel, packet(1), PEER);
        envelopes.send(channel, packet(2), PEER);
        assertEquals(0, envelopes.free());
        envelopes.send(channel, packet(3), PEER);
        assertEquals(2, envelopes.pooledSends());
        assertEquals(1, envelopes.fallbacks());

        Object first = channel.readOutbound();
        Object second = channel.readOutbound();
        Object third = channel.readOutbound();
        assertInstanceOf(ReusableDatagram.class, first);
        assertInstanceOf(ReusableDatagram.class, second);
        assertInstanceOf(DatagramPacket.class, third);
        @SuppressWarnings("unchecked")
        AddressedEnvelope<ByteBuf, InetSocketAddress> e = (AddressedEnvelope<ByteBuf, InetSocketAddress>) first;
        assertEquals(PEER, e.recipient());
        assertEquals(1, e.content().getByte(0));
        ByteBuf content = e.content();
        assertTrue(e.release());
        assertEquals(0, content.refCnt());
        assertEquals(1, envelopes.free(), "released: back in the pool");
        assertNull(e.content(), "a free envelope holds nothing");
        ((ReusableDatagram) second).release();
        ((DatagramPacket) third).release();
        assertEquals(2, envelopes.free());

        envelopes.send(channel, packet(4), PEER);
        Object reused = channel.readOutbound();
        assertTrue(reused == first || reused == second, "a returned envelope is used again");
        ((ReusableDatagram) reused).release();
        assertFalse(channel.finish());
    }

    @Test
    void theEnvelopeCountsItsOwnReferencesAndReleasesItsContentOnce() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramEnvelopes envelopes = new DatagramEnvelopes(channel.eventLoop(), 1);
        ByteBuf content = packet(9);
        ReusableDatagram d = (ReusableDatagram) envelopes.wrap(content, PEER);
        assertSame(d, d.retain());
        assertEquals(2, d.refCnt());
        assertEquals(1, content.refCnt(), "the envelope holds one reference, whatever its own count");
        assertFalse(d.release());
        assertEquals(1, content.refCnt());
        assertTrue(d.release());
        assertEquals(0, content.refCnt());
        assertEquals(1, envelopes.free());
        assertThrows(IllegalReferenceCountException.class, d::release, "a second release to nothing");
        assertThrows(IllegalReferenceCountException.class, d::retain, "a free envelope cannot be revived");
        assertEquals(1, envelopes.free(), "the bad release did not put it in the pool twice");
        assertFalse(channel.finish());
    }

    @Test
    void offTheLoopAPacketGetsANewEnvelope() throws Exception {
        DatagramEnvelopes envelopes = new DatagramEnvelopes(group.next(), 2);
        Object envelope = envelopes.wrap(packet(5), PEER); // the test thread is not the loop
        assertInstanceOf(DatagramPacket.class, envelope);
        assertEquals(1, envelopes.fallbacks());
        assertEquals(2, envelopes.free());
        ((DatagramPacket) envelope).release();
    }

    @Test
    void aClosedChannelReleasesThePacketAndTheEnvelopeComesBack() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramEnvelopes envelopes = new DatagramEnvelopes(channel.eventLoop(), 1);
        channel.close();
        ByteBuf content = packet(7);
        envelopes.send(channel, content, PEER);
        assertEquals(0, content.refCnt());
        assertEquals(1, envelopes.free());
    }

    @Test
    void aHeapPacketIsMovedToADirectBufferByTheTransportAndItsEnvelopeFreed() throws Exception {
        try (DatagramChannel peer = DatagramChannel.open()) {
            peer.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            Channel channel = new Bootstrap().group(group)
                    .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try {
                DatagramEnvelopes envelopes = new DatagramEnvelopes(channel.eventLoop(), 1);
                ByteBuf heap = Unpooled.copiedBuffer(new byte[] {20, 21, 22}); // as DTLS records are sent
                int free = channel.eventLoop().submit(() -> {
                    envelopes.send(channel, heap, to);
                    return envelopes.free();
                }).get(5, TimeUnit.SECONDS);
                assertEquals(1, free);
                assertEquals(0, heap.refCnt());
                ByteBuffer in = ByteBuffer.allocate(16);
                receive(peer, in);
                assertEquals(3, in.position(), "the copy went to the envelope's recipient");
            } finally {
                channel.close().sync();
            }
        }
    }
}
