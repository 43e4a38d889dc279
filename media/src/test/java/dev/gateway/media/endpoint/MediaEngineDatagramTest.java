package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link MediaEngine#openDatagram} when the first port it picks is taken by another socket. */
class MediaEngineDatagramTest {
    private MediaEngine engine;

    @AfterEach
    void stop() {
        engine.stop();
    }

    /** Not @Sharable, like PeerTransport's handler: it may join one pipeline only. */
    private static final class OneChannelHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        }
    }

    @Test
    void aTakenPortIsSkippedWithTheSameUnsharableHandler() throws Exception {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), portMin))) {
            engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + 3, 30_000, 20, 100, 1),
                    System::nanoTime);
            engine.start();
            OneChannelHandler handler = new OneChannelHandler();
            // the pool's first port is the taken one: the bind fails there and the retry takes the next pair
            Channel channel = engine.openDatagram(engine.nextLoop(), handler).get(10, TimeUnit.SECONDS);
            assertEquals(portMin + 2, ((InetSocketAddress) channel.localAddress()).getPort());
            assertSame(handler, channel.pipeline().last());
            assertEquals(1, engine.portsInUse());
        }
    }
}
