package dev.gateway.media.webrtc.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * STYLE.md 6: the packet path allocates nothing. Measured with the JVM's per-thread allocation counter over
 * many protect/unprotect pairs after warm-up. Buffers come from {@code Unpooled.wrappedBuffer}, which the leak
 * detector does not wrap (its PARANOID access records would allocate on every read).
 */
class SrtpAllocationTest {

    private static final int ROUNDS = 20_000;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void protectAndUnprotectAllocateNothingPerPacket(boolean direct) {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        SrtpContext sender = new SrtpContext(SrtpContextTest.KEY, SrtpContextTest.SALT);
        SrtpContext receiver = new SrtpContext(SrtpContextTest.KEY, SrtpContextTest.SALT);
        byte[] rtp = SrtpPackets.rtp(0, 0x1234, 160);
        byte[] rtcp = SrtpPackets.rtcp(0x1234);
        ByteBuf rtpBuf = buffer(rtp, direct);
        ByteBuf rtcpBuf = buffer(rtcp, direct);

        run(sender, receiver, rtpBuf, rtcpBuf, rtp.length, 0, ROUNDS); // warm-up and JIT
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        run(sender, receiver, rtpBuf, rtcpBuf, rtp.length, ROUNDS, ROUNDS);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;

        assertTrue(allocated < 4096, allocated + " bytes allocated over " + ROUNDS + " rounds");
        assertEquals(4L * ROUNDS, sender.stats().protectedPackets());
        assertEquals(4L * ROUNDS, receiver.stats().unprotectedPackets());
    }

    private static void run(SrtpContext sender, SrtpContext receiver, ByteBuf rtpBuf, ByteBuf rtcpBuf,
            int rtpLength, int from, int count) {
        for (int i = from; i < from + count; i++) {
            rtpBuf.setShort(2, i);
            sender.protectRtp(rtpBuf);
            if (receiver.unprotectRtp(rtpBuf) != SrtpResult.OK) {
                throw new AssertionError("round " + i);
            }
            sender.protectRtcp(rtcpBuf);
            if (receiver.unprotectRtcp(rtcpBuf) != SrtpResult.OK) {
                throw new AssertionError("rtcp round " + i);
            }
        }
    }

    private static ByteBuf buffer(byte[] packet, boolean direct) {
        int capacity = packet.length + SrtpContext.RTCP_TRAILER_LENGTH;
        ByteBuf buf = direct ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity))
                : Unpooled.wrappedBuffer(new byte[capacity]);
        return buf.clear().writeBytes(packet);
    }
}
