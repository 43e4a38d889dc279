package dev.gateway.sip;

import dev.gateway.agent.room.RoomAgentFactory;
import dev.gateway.media.warmup.CodecSelfTest;
import dev.gateway.media.warmup.WebRtcSelfTest;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs, once at start-up and before the gateway reports ready, what the first call would otherwise initialise
 * cold: the media path's classes, the Opus native library and the JIT's first compilations ({@link CodecSelfTest}),
 * a full WebRTC connection between two transports of this process over loopback with its DTLS handshake on the
 * real handshake pool ({@link WebRtcSelfTest}), the signalling client against the configured LiveKit server
 * ({@link RoomAgentFactory#warmUpSignalling()}), and the SIP stack's parser and transaction layer (an OPTIONS sent
 * to our own port).
 *
 * <p>Bounded: the whole run gives up after {@code budgetMillis}; a step that fails or runs out of time is named in
 * the one summary line and start-up goes on. Runs on the caller's thread (the starting thread, never an event loop);
 * the asynchronous steps run on the engine's loops, the handshake pool and OkHttp's threads. Not thread-safe;
 * single-use.
 */
final class Warmup {
    private static final System.Logger LOG = System.getLogger("gateway");
    /** Frames through the codec path: 10 s of audio, ~0.1-0.5 s of CPU cold; enough for C1 to compile the path. */
    private static final int CODEC_FRAMES = 500;

    private final RoomAgentFactory rooms;
    private final InetSocketAddress sip;
    private final int opusBitrate;
    private final int opusComplexity;
    private final long budgetMillis;
    private final List<String> outcomes = new ArrayList<>();

    /**
     * @param rooms the LiveKit agent factory (started), or null with the local agent: WebRTC and signalling are
     *              then skipped
     * @param sip   our own SIP UDP address, for the OPTIONS
     */
    Warmup(RoomAgentFactory rooms, InetSocketAddress sip, int opusBitrate, int opusComplexity, long budgetMillis) {
        this.rooms = rooms;
        this.sip = sip;
        this.opusBitrate = opusBitrate;
        this.opusComplexity = opusComplexity;
        this.budgetMillis = budgetMillis;
    }

    /** Runs every step, logs one line, never throws. */
    void run() {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        WebRtcSelfTest webrtc = null;
        CompletableFuture<Void> connected = null;
        CompletableFuture<String> signalled = null;
        if (rooms != null) {
            try {
                webrtc = rooms.webRtcSelfTest();
                connected = webrtc.start();
            } catch (RuntimeException e) {
                outcomes.add("webrtc failed: " + e);
            }
            try {
                signalled = rooms.warmUpSignalling();
            } catch (RuntimeException e) {
                outcomes.add("signalling failed: " + e);
            }
        }
        try {
            long t = System.nanoTime();
            int frames = new CodecSelfTest(PooledByteBufAllocator.DEFAULT, opusBitrate, opusComplexity).run(CODEC_FRAMES);
            outcomes.add("codec " + frames + " frames " + millisSince(t) + " ms");
        } catch (RuntimeException | LinkageError e) {
            outcomes.add("codec failed: " + e);
        }
        sipOptions(deadline);
        if (connected != null && !await("webrtc", connected, deadline)) {
            webrtc.cancel();
        }
        if (signalled != null) {
            await("signalling", signalled, deadline);
        }
        LOG.log(System.Logger.Level.INFO, "warm-up done in " + millisSince(start) + " ms: " + String.join(", ", outcomes));
    }

    /** Waits for an asynchronous step until the deadline; records its outcome; true if it completed normally. */
    private boolean await(String step, CompletableFuture<?> future, long deadline) {
        long t = System.nanoTime();
        try {
            Object result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            outcomes.add(step + " ok" + (result instanceof String s ? " (" + s + ")" : "") + " +" + millisSince(t) + " ms");
            return true;
        } catch (TimeoutException e) {
            outcomes.add(step + " unfinished after the " + budgetMillis + " ms budget");
        } catch (ExecutionException e) {
            outcomes.add(step + " failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcomes.add(step + " interrupted");
        }
        return false;
    }

    /** An OPTIONS to our own SIP port: JAIN-SIP parses it, runs a server transaction and answers 200. */
    private void sipOptions(long deadline) {
        long t = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(sip.getAddress(), 0))) {
            int local = socket.getLocalPort();
            String host = sip.getAddress().getHostAddress();
            String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
            String request = "OPTIONS sip:warm-up@" + host + ":" + sip.getPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP " + host + ":" + local + ";branch=z9hG4bK" + tag + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:warm-up@" + host + ":" + local + ">;tag=" + tag + "\r\n"
                    + "To: <sip:warm-up@" + host + ":" + sip.getPort() + ">\r\n"
                    + "Call-ID: warm-up-" + tag + "\r\n"
                    + "CSeq: 1 OPTIONS\r\n"
                    + "Accept: application/sdp\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, sip));
            socket.setSoTimeout((int) Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            byte[] reply = new byte[2048];
            DatagramPacket in = new DatagramPacket(reply, reply.length);
            socket.receive(in);
            String status = new String(reply, 0, Math.min(in.getLength(), 15), StandardCharsets.US_ASCII);
            outcomes.add("sip " + (status.startsWith("SIP/2.0 200") ? "ok" : "answered " + status.strip()) + " " + millisSince(t) + " ms");
        } catch (SocketTimeoutException e) {
            outcomes.add("sip unanswered");
        } catch (IOException | RuntimeException e) {
            outcomes.add("sip failed: " + e.getMessage());
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
