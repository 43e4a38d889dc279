package dev.gateway.sip;

import dev.gateway.agent.room.RoomAgentFactory;
import dev.gateway.media.warmup.CodecSelfTest;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.SdpCodec;
import dev.gateway.media.sdp.SdpException;
import dev.gateway.media.sdp.SessionDescription;
import dev.gateway.media.warmup.WebRtcSelfTest;
import dev.gateway.sip.signalling.SipContext;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.message.Request;
import javax.sip.message.Response;

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
    /**
     * Frames through the codec path: 6 s of audio. Past C1's compile threshold (200 calls) for every per-frame
     * method; 0.4-0.8 s cold on a busy 2-core machine (interpreted SRTP and jitter code dominate).
     */
    private static final int CODEC_FRAMES = 300;

    private final RoomAgentFactory rooms;
    private final SipContext context;
    private final InetSocketAddress sip;
    private final int opusBitrate;
    private final int opusComplexity;
    private final long budgetMillis;
    private final List<String> outcomes = new ArrayList<>();

    /**
     * @param rooms the LiveKit agent factory (started), or null with the local agent: WebRTC and signalling are
     *              then skipped
     * @param context the started SIP stack's factories
     * @param sip   our own SIP UDP address, for the OPTIONS
     */
    Warmup(RoomAgentFactory rooms, SipContext context, InetSocketAddress sip, int opusBitrate, int opusComplexity,
           long budgetMillis) {
        this.rooms = rooms;
        this.context = context;
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
            CodecSelfTest codec = new CodecSelfTest(PooledByteBufAllocator.DEFAULT, opusBitrate, opusComplexity);
            // half the budget at most, to leave time for the other steps
            int frames = codec.run(CODEC_FRAMES, System::nanoTime, start + TimeUnit.MILLISECONDS.toNanos(budgetMillis / 2));
            outcomes.add("codec " + frames + " frames " + millisSince(t) + " ms");
        } catch (RuntimeException | LinkageError e) {
            outcomes.add("codec failed: " + e);
        }
        if (System.nanoTime() - deadline < 0) {
            sipMessages();
            sipOptions(deadline);
        } else {
            outcomes.add("sip skipped (budget spent)");
        }
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

    /**
     * What an INVITE costs before the call exists: JAIN-SIP parses a Twilio-like INVITE with SDP, the offer is
     * parsed and negotiated, and a 200 OK with the answer is built and formatted (nothing is sent).
     */
    private void sipMessages() {
        long t = System.nanoTime();
        String host = sip.getAddress().getHostAddress();
        String sdp = "v=0\r\no=- 1 1 IN IP4 " + host + "\r\ns=-\r\nc=IN IP4 " + host + "\r\nt=0 0\r\n"
                + "m=audio 10000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
        String invite = "INVITE sip:+15550100@" + host + ":" + sip.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host + ":5060;branch=z9hG4bKwarmup;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"warm-up\" <sip:+15550000@" + host + ">;tag=warmup\r\n"
                + "To: <sip:+15550100@" + host + ">\r\n"
                + "Call-ID: warm-up@" + host + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:+15550000@" + host + ":5060>\r\n"
                + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY\r\n"
                + "X-Twilio-CallSid: CAwarmup\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        try {
            Request request = context.messages().createRequest(invite);
            SessionDescription offer = SdpCodec.parse(new String(request.getRawContent(), StandardCharsets.UTF_8));
            SdpNegotiation negotiation = OfferAnswer.negotiate(offer, List.of("PCMU", "PCMA"));
            Response ok = context.response(Response.OK, request);
            ok.addHeader(context.contact("udp"));
            context.addAllow(ok);
            ok.setContent(OfferAnswer.answer(negotiation, offer, host, 10002, 1, 1),
                    context.headers().createContentTypeHeader("application", "sdp"));
            ok.toString();
            outcomes.add("sip messages " + millisSince(t) + " ms");
        } catch (ParseException | SdpException | RuntimeException e) {
            outcomes.add("sip messages failed: " + e);
        }
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
            // 503 is the answer while starting (OPTIONS follow readiness): the stack's path ran all the same
            outcomes.add("sip " + (status.startsWith("SIP/2.0 200") || status.startsWith("SIP/2.0 503") ? "ok"
                    : "answered " + status.strip()) + " " + millisSince(t) + " ms");
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
