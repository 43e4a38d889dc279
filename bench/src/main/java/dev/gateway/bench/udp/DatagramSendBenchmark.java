package dev.gateway.bench.udp;

import java.lang.management.ManagementFactory;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import dev.gateway.media.endpoint.MediaListener;
import dev.gateway.media.endpoint.MediaParams;
import dev.gateway.media.endpoint.RtpEndpoint;
import dev.gateway.media.g711.G711;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import dev.gateway.media.webrtc.dtls.DtlsCertificate;
import dev.gateway.media.webrtc.dtls.DtlsRole;
import dev.gateway.media.webrtc.ice.IceRole;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sending on a real socket, per packet, through the production senders: what one packet costs from the sender's
 * call to the kernel, on the event loop that owns the socket, as deployed. The point is the allocation
 * ({@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per packet): Netty's transport is the one
 * {@link MediaEngine} picks (epoll where available; {@code -jvmArgsAppend -Dio.netty.transport.noNative=true}
 * gives NIO).
 *
 * <ul>
 *   <li>{@code phoneLeg}: a real {@link RtpEndpoint} bound by a started {@link MediaEngine} on 127.0.0.1, latched
 *       to a phone (one real RTP packet from it at set-up), then per packet {@link RtpEndpoint#send} of one 20 ms
 *       frame (G.711 encode, packetiser, pooled direct buffer, envelope, socket write) and
 *       {@link RtpEndpoint#housekeeping} (media timeout; an RTCP report every 250th call).</li>
 *   <li>{@code roomLeg}: a real {@link PeerTransport} connected (ICE, DTLS, SRTP) to a second one over loopback at
 *       set-up; the second is then closed and its port taken by the sink, so nothing in this process reads what
 *       is sent. Per packet: a 120-byte Opus-sized RTP packet from the default allocator and
 *       {@link PeerTransport#sendRtp} (SRTP protect, envelope, socket write).</li>
 *   <li>{@code emptyTask}: the same loop task with nothing in it: the hand-off onto the loop and the wait for it,
 *       to be subtracted from the other two (it is already divided by the batch).</li>
 * </ul>
 *
 * <p>Each invocation is one task on the socket's event loop that sends {@value #BATCH} packets, so the task's own
 * allocation is spread over the batch ({@code emptyTask} shows how much that is). The phone and the room are JDK
 * {@link DatagramChannel}s that are never read during the measurement: the kernel drops what overflows their
 * receive buffers, so the receiving side allocates nothing in this JVM. The iteration tear-down reads what the
 * sinks hold and fails the run unless the packets are RTP from the sender (SRTP for the room: version 2, its
 * SSRC) and the endpoint counted every packet as sent. It also prints the event loop thread's CPU time and
 * allocated bytes per packet ({@code loop thread: ...}): the sends run there, not on the benchmark thread; JMH's
 * score is wall time and its {@code gc.alloc.rate.norm} counts every thread of the fork (JMH's own, the loop's
 * 20 ms tick, log lines), which on a loaded machine with few packets per iteration is not the sender's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DatagramSendBenchmark {
    static final int BATCH = 500;
    static final int RECEIVE_BURST = 20;
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final int ROOM_SSRC = 0x5EED_0001;
    private static final int OPUS_PAYLOAD = 100;

    private MediaEngine engine;
    private ExecutorService dtlsPool;
    private EventLoop loop;
    private RtpEndpoint endpoint;
    private PeerTransport offerer;
    private DatagramChannel phone;
    private DatagramChannel room;
    private final short[] speech = SpeechLikeSignal.frames(50);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long loopThreadId;
    private long loopCpu0;
    private long loopBytes0;
    private long packetsOutBefore;
    private long invocations;
    private long phoneBatches;
    private long roomBatches;
    private long receiveBatches;
    private long packetsInBefore;
    /** What the phone sends in {@code phoneReceive}: one PCMU packet, sequence and timestamp rewritten each time. */
    private final ByteBuffer phonePacket = ByteBuffer.allocateDirect(RtpCodec.HEADER_SIZE + N);
    private InetSocketAddress endpointAddress;
    private int phoneSequence;
    private int frame;
    private int roomSequence;

    private final Runnable phoneBatch = () -> {
        for (int i = 0; i < BATCH; i++) {
            endpoint.send(speech, (frame++ % 50) * N, N);
            endpoint.housekeeping(System.nanoTime());
        }
    };
    private final Runnable roomBatch = () -> {
        for (int i = 0; i < BATCH; i++) {
            ByteBuf packet = ByteBufAllocator.DEFAULT.directBuffer(RtpCodec.HEADER_SIZE + OPUS_PAYLOAD + 16);
            int seq = roomSequence++;
            RtpCodec.writeHeader(packet, false, WebRtcSdpWriter.OPUS_PT, seq & 0xFFFF, seq * 960L, ROOM_SSRC);
            packet.writeZero(OPUS_PAYLOAD);
            offerer.sendRtp(packet);
        }
    };
    private final Runnable nothing = () -> {
    };

    @Setup
    public void setUp() throws Exception {
        // a long media timeout: housekeeping must not report one while the benchmark's phone stays silent
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", 42_000, 42_098, 3_600_000, 20, 100, 1),
                System::nanoTime);
        engine.start();
        loop = engine.nextLoop();
        dtlsPool = Executors.newFixedThreadPool(2, r -> { // each side's handshake blocks a thread
            Thread t = new Thread(r, "bench-dtls");
            t.setDaemon(true);
            return t;
        });
        loopThreadId = loop.submit(() -> Thread.currentThread().getId()).get();
        openPhoneLeg();
        openRoomLeg();
    }

    private void openPhoneLeg() throws Exception {
        phone = sink(new InetSocketAddress("127.0.0.1", 0));
        endpoint = engine.open(loop).get(5, TimeUnit.SECONDS);
        InetSocketAddress phoneAddress = (InetSocketAddress) phone.getLocalAddress();
        MediaParams params = new MediaParams(G711.PCMU, 101, 20, phoneAddress, true, true);
        loop.submit(() -> endpoint.open(params, new MediaListener() {
            @Override
            public void onDtmf(char digit) {
            }

            @Override
            public void onMediaTimeout(long silentMillis) {
                throw new IllegalStateException("media timeout after " + silentMillis + " ms");
            }
        })).get(5, TimeUnit.SECONDS);
        // the phone speaks first (strict symmetric RTP): one packet latches the endpoint to it
        ByteBuf first = ByteBufAllocator.DEFAULT.heapBuffer(RtpCodec.HEADER_SIZE + N);
        RtpCodec.writeHeader(first, true, 0, 1, 160, 0x0FEE_D000L);
        first.writeZero(N);
        phone.send(first.nioBuffer(), new InetSocketAddress("127.0.0.1", endpoint.localPort()));
        first.release();
        endpointAddress = new InetSocketAddress("127.0.0.1", endpoint.localPort());
        phonePacket.put((byte) 0x80).put((byte) 0).putShort((short) 0).putInt(0).putInt(0x0FEE_D000);
        for (int i = 0; i < N; i++) {
            phonePacket.put((byte) 0xFF); // PCMU silence
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!loop.submit(endpoint::canSend).get()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the endpoint did not latch to the phone");
            }
            Thread.sleep(10);
        }
    }

    private void openRoomLeg() throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        PeerTransport.Listener quiet = new PeerTransport.Listener() {
            @Override
            public void onReady() {
            }

            @Override
            public void onFailed(String reason) {
                connected.completeExceptionally(new IllegalStateException(reason));
            }

            @Override
            public void onRtp(ByteBuf packet, RtpHeader header) {
            }

            @Override
            public void onDataChannelOpen(String label) {
                connected.complete(null); // both sides have their SRTP keys once SCTP runs (see WebRtcSelfTest)
            }
        };
        PeerTransport a = PeerTransport.open(engine, loop, IceRole.CONTROLLING, DtlsRole.SERVER, dtlsPool, quiet,
                "bench/offerer").get(5, TimeUnit.SECONDS);
        PeerTransport b = PeerTransport.open(engine, loop, IceRole.CONTROLLED, DtlsRole.CLIENT, dtlsPool, quiet,
                "bench/answerer").get(5, TimeUnit.SECONDS);
        String fingerprint = DtlsCertificate.shared().sha256Fingerprint();
        int answererPort = loop.submit(() -> {
            a.openDataChannelsWhenReady(List.of(new PeerTransport.DataChannelSpec("bench", true, -1)));
            WebRtcDescription offer = WebRtcDescription.parse(WebRtcSdpWriter.publisherOffer(
                    new WebRtcSdpWriter.Local(a.iceUfrag(), a.icePwd(), fingerprint, a.localCandidate(), 1),
                    0x5EED, "bench", "bench", "bench"));
            WebRtcDescription answer = WebRtcDescription.parse(WebRtcSdpWriter.subscriberAnswer(
                    new WebRtcSdpWriter.Local(b.iceUfrag(), b.icePwd(), fingerprint, b.localCandidate(), 2), offer));
            b.setRemote(offer);
            a.setRemote(answer);
            return Integer.parseInt(b.localCandidate().split(" ")[5]);
        }).get(5, TimeUnit.SECONDS);
        connected.get(20, TimeUnit.SECONDS);
        loop.submit(b::close).get(5, TimeUnit.SECONDS);
        // nothing of ours reads what a sends from now on; NIO frees the closed socket's port at its next select
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (room == null) {
            try {
                room = sink(new InetSocketAddress("127.0.0.1", answererPort));
            } catch (java.net.BindException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
        offerer = a;
    }

    /** A socket that is not read while measuring: the kernel drops what does not fit its small buffer. */
    private static DatagramChannel sink(InetSocketAddress at) throws Exception {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        try {
            c.bind(at);
        } catch (java.io.IOException e) {
            c.close();
            throw e;
        }
        c.configureBlocking(false);
        return c;
    }

    @TearDown
    public void tearDown() throws Exception {
        loop.submit(() -> {
            offerer.close();
            endpoint.close();
        }).get(5, TimeUnit.SECONDS);
        engine.stop();
        dtlsPool.shutdownNow();
        phone.close();
        room.close();
    }

    @Setup(Level.Iteration)
    public void startIteration() throws Exception {
        drain(phone, -1);
        drain(room, -1);
        packetsOutBefore = loop.submit(() -> endpoint.stats().packetsOut()).get();
        invocations = 0;
        phoneBatches = 0;
        roomBatches = 0;
        receiveBatches = 0;
        packetsInBefore = loop.submit(() -> endpoint.stats().packetsIn()).get();
        loopCpu0 = THREADS.getThreadCpuTime(loopThreadId);
        loopBytes0 = THREADS.getThreadAllocatedBytes(loopThreadId);
    }

    /**
     * Fails the run unless the sends happened: the endpoint counted every packet of the phone batches, and each
     * sink holds packets from its sender (RTP version 2; the room's with our SSRC in the clear SRTP header).
     */
    @TearDown(Level.Iteration)
    public void checkSent() throws Exception {
        if (receiveBatches > 0) {
            long received = loop.submit(() -> endpoint.stats().packetsIn()).get() - packetsInBefore;
            System.out.printf("loop thread: %.0f cpu ns, %.3f bytes allocated per received packet (%d received)%n",
                    (double) (THREADS.getThreadCpuTime(loopThreadId) - loopCpu0) / Math.max(1, received),
                    (double) (THREADS.getThreadAllocatedBytes(loopThreadId) - loopBytes0) / Math.max(1, received),
                    received);
            if (received == 0) {
                throw new IllegalStateException("the endpoint received nothing");
            }
            return;
        }
        if (invocations > 0) {
            long packets = invocations * BATCH;
            System.out.printf("loop thread: %.0f cpu ns, %.3f bytes allocated per packet (%d packets)%n",
                    (double) (THREADS.getThreadCpuTime(loopThreadId) - loopCpu0) / packets,
                    (double) (THREADS.getThreadAllocatedBytes(loopThreadId) - loopBytes0) / packets, packets);
        }
        long phoneSent = loop.submit(() -> endpoint.stats().packetsOut()).get() - packetsOutBefore;
        int phoneHeld = drain(phone, -1);
        int roomHeld = drain(room, ROOM_SSRC);
        System.out.printf("sent: phone %d packets (sink holds %d), room sink holds %d%n", phoneSent, phoneHeld,
                roomHeld);
        if (phoneSent != phoneBatches * BATCH || phoneBatches > 0 && phoneHeld == 0 || roomBatches > 0 && roomHeld == 0) {
            throw new IllegalStateException("nothing arrived: phone sent " + phoneSent + ", held " + phoneHeld
                    + ", room held " + roomHeld);
        }
    }

    /**
     * Reads and checks the RTP {@code sink} holds: version 2, and when {@code ssrc} >= 0 that SSRC. STUN and DTLS
     * (ICE consent checks, SCTP heartbeats to the room) are skipped.
     */
    private static int drain(DatagramChannel sink, int ssrc) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2048);
        int n = 0;
        while (sink.receive(b.clear()) != null) {
            if (b.position() > 0 && (b.get(0) & 0xFF) < 128) {
                continue; // STUN or DTLS (RFC 7983), not what we measure
            }
            if (b.position() < RtpCodec.HEADER_SIZE || (b.get(0) & 0xC0) != 0x80 || ssrc >= 0 && b.getInt(8) != ssrc) {
                throw new IllegalStateException("not our RTP: " + b.position() + " bytes, first byte " + b.get(0));
            }
            n++;
        }
        return n;
    }

    /** One loop task: {@value #BATCH} frames to the phone (RTP) and housekeeping after each. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void phoneLeg() throws Exception {
        invocations++;
        phoneBatches++;
        loop.submit(phoneBatch).get();
    }

    /** One loop task: {@value #BATCH} SRTP packets to the room. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void roomLeg() throws Exception {
        invocations++;
        roomBatches++;
        loop.submit(roomBatch).get();
    }

    /**
     * The receive path, for the record: the phone sends {@value #RECEIVE_BURST} PCMU packets to the endpoint from
     * this thread (no wait; the kernel drops what the endpoint's 64 KB buffer cannot hold), the loop reads them:
     * Netty's epoll read (buffer, sender address, datagram) and {@code RtpEndpoint.onRtp} (parse, latch, jitter
     * push). JMH's score and B/op mean nothing here (they count sends, not what the loop received); read the
     * {@code loop thread: ... per received packet} line.
     */
    @Benchmark
    public void phoneReceive() throws Exception {
        receiveBatches++;
        for (int i = 0; i < RECEIVE_BURST; i++) {
            int seq = phoneSequence++;
            phonePacket.putShort(2, (short) seq).putInt(4, seq * N);
            phone.send(phonePacket.clear(), endpointAddress);
        }
        Thread.sleep(0, 200_000); // let the loop read
    }

    /** One empty loop task, divided by {@value #BATCH}: the hand-off's share of each packet above. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void emptyTask() throws Exception {
        invocations++;
        loop.submit(nothing).get();
    }
}
