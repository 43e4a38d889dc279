package dev.gateway.media.endpoint;

import dev.gateway.media.call.RtpLeg;
import dev.gateway.media.dtmf.DtmfReceiver;
import dev.gateway.media.g711.G711PayloadDecoder;
import dev.gateway.media.jitter.JitterPlayout;
import dev.gateway.media.jitter.JitterPushResult;
import dev.gateway.media.rtcp.ReceptionStats;
import dev.gateway.media.rtcp.ReportBlock;
import dev.gateway.media.rtcp.RtcpCodec;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpPacketizer;
import dev.gateway.media.rtp.RtpParseResult;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import dev.gateway.media.g711.G711;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call's phone-side RTP: receives G.711 and RFC 4733 from the phone, plays it out through a
 * {@link JitterPlayout} in 20 ms frames, and sends audio back through its {@link PhoneSender} (G.711 writer and
 * the shared {@link RtpPacketizer}), paced by the event loop's tick.
 *
 * <p>Two ways to drive it. {@link #start} registers it on the engine's tick by itself: play-out goes to
 * {@link MediaListener#onAudio} and audio queued with {@link #sendAudio} leaves at the next tick's pace phase. As
 * an {@link RtpLeg} under a call's {@code CallMedia} ({@link #open}), it is not on the tick: the call pulls
 * {@link #playOut}, and {@link #send} packetises and sends in the same tick.
 *
 * <p>Threading: loop-confined. Every method except {@link #stats()} and {@link #localPort()} must run on
 * {@link #eventLoop()}; {@code stats()} hops onto the loop itself when called from elsewhere is the caller's
 * business (the gateway does). The receive and tick paths allocate nothing but Netty's outbound
 * {@link DatagramPacket} envelope.
 *
 * <p>Symmetric RTP (RFC 4961 behaviour, needed behind NAT): we send to the address the SDP names until RTP
 * arrives, then to wherever the current SSRC's packets come from. A new source address is accepted only once
 * the previous one has been silent for {@link #RELATCH_SILENCE_NANOS}, so a stray packet cannot hijack the call.
 */
public final class RtpEndpoint implements MediaTick, RtpLeg {
    /** The frame the listener gets and the tick period: 20 ms at 8 kHz. */
    public static final int FRAME_SAMPLES = 160;
    static final int MAX_PAYLOAD = 1500;
    private static final long RELATCH_SILENCE_NANOS = 500_000_000L;
    private static final int RTCP_INTERVAL_TICKS = 250; // 5 s of 20 ms ticks (RFC 3550 §6.2 minimum)

    private final MediaEngine engine;
    private final EventLoop loop;
    private final int port;
    private final long timeoutNanos;
    private Channel rtpChannel;
    private Channel rtcpChannel;

    private final RtpHeader header = new RtpHeader();
    private final G711PayloadDecoder decoder = new G711PayloadDecoder(G711.PCMU, MAX_PAYLOAD);
    private final JitterPlayout playout;
    private final RtpPacketizer packetizer;
    private final PhoneSender sender;
    private final ReceptionStats reception = new ReceptionStats();
    private final ReportBlock reportBlock = new ReportBlock();
    private final DtmfReceiver dtmfReceiver;
    private final short[] frameOut = new short[FRAME_SAMPLES];

    private MediaParams params;
    private MediaListener listener;
    private InetSocketAddress sendTo;
    private boolean latched;
    private long remoteSsrc = -1;
    private long lastRtpNanos;
    private boolean rtpSeen;
    private long mediaExpectedSinceNanos;
    private boolean timeoutReported;
    private boolean closed;
    private int ticksToRtcp = RTCP_INTERVAL_TICKS;

    private long packetsIn, bytesIn, malformed, unexpectedPayload, ssrcChanges, dtmfIn;

    RtpEndpoint(MediaEngine engine, EventLoop loop, int port, MediaEngineConfig config) {
        this.engine = engine;
        this.loop = loop;
        this.port = port;
        this.timeoutNanos = config.rtpTimeoutMillis() * 1_000_000L;
        this.playout = new JitterPlayout(decoder, config.jitterMinMs(), config.jitterMaxMs(), MAX_PAYLOAD);
        this.dtmfReceiver = new DtmfReceiver(this::onDtmf);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long ssrc = random.nextLong() & 0xFFFF_FFFFL;
        this.packetizer = new RtpPacketizer(ssrc, random.nextInt(0x10000), random.nextLong() & 0xFFFF_FFFFL,
                "gw-" + Long.toHexString(ssrc), 0);
        this.sender = new PhoneSender(packetizer, G711.PCMU, MAX_PAYLOAD);
    }

    void attach(Channel rtp, Channel rtcp) {
        this.rtpChannel = rtp;
        this.rtcpChannel = rtcp;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    /** The even local port RTP is bound to (RTCP is on the next one). Thread-safe. */
    public int localPort() {
        return port;
    }

    /** Starts sending and playing out on the engine's tick, to {@code listener}. Loop-confined. */
    public void start(MediaParams params, MediaListener listener) {
        open(params, listener);
        engine.register(this);
    }

    /**
     * Starts receiving and sending without joining the tick: a call's {@code CallMedia} drives {@link #playOut},
     * {@link #send} and {@link #housekeeping}. The listener still hears DTMF and the media timeout (its
     * {@code onAudio} is not called). Loop-confined.
     */
    public void open(MediaParams params, MediaListener listener) {
        assert loop.inEventLoop();
        this.listener = listener;
        update(params);
    }

    /** Applies a new offer/answer outcome (re-INVITE: hold, unhold, new address or codec). Loop-confined. */
    public void update(MediaParams next) {
        MediaParams previous = this.params;
        this.params = next;
        if (previous == null || !previous.remote().equals(next.remote())) {
            sendTo = next.remote();
            latched = false;
        }
        sender.update(previous, next);
        if (previous == null || previous.codec() != next.codec()) {
            playout.reset();
            decoder.codec(next.codec());
        }
        mediaExpectedSinceNanos = engine.nanoTime();
        timeoutReported = false;
    }

    /** Queues 8 kHz PCM for the phone (copied), sent from the next tick's pace phase. Loop-confined. */
    public void sendAudio(short[] pcm, int offset, int count) {
        sender.queue(pcm, offset, count);
    }

    /** Queues one DTMF digit as RFC 4733 events; false when the peer has no telephone-event or the queue is full. */
    public boolean sendDtmf(char digit) {
        if (params == null || params.telephoneEventPayloadType() < 0) {
            return false;
        }
        return sender.enqueueDtmf(digit);
    }

    /** Counters now. Loop-confined (hop onto the loop to call it). */
    public RtpEndpointStats stats() {
        var js = playout.stats();
        return new RtpEndpointStats(packetsIn, packetizer.packets(), bytesIn, packetizer.octets(),
                reception.cumulativeLost(), reception.jitterMs(), malformed, unexpectedPayload, js.late(), js.lost(),
                ssrcChanges, dtmfIn, sender.dtmfOut(), js.targetDelayMs(),
                sendTo == null ? "" : sendTo.getHostString() + ":" + sendTo.getPort());
    }

    /** Stops media, closes both sockets and gives the ports back. Idempotent. Loop-confined. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.unregister(this);
        rtpChannel.close();
        rtcpChannel.close();
        engine.releasePort(port);
    }

    // ---- receive path (called by RtpInboundHandler on the loop) ----

    void onRtp(ByteBuf buf, InetSocketAddress sender) {
        if (closed || params == null) {
            return;
        }
        if (RtpCodec.looksLikeRtcp(buf) || RtpCodec.parse(buf, header) != RtpParseResult.OK) {
            malformed++;
            engine.countMalformed();
            return;
        }
        long now = engine.nanoTime();
        if (!acceptSource(sender, now)) {
            return;
        }
        if (header.ssrc() != remoteSsrc) {
            if (remoteSsrc != -1) {
                ssrcChanges++;
                playout.reset();
                dtmfReceiver.reset();
            }
            remoteSsrc = header.ssrc();
            reception.reset(remoteSsrc);
        }
        lastRtpNanos = now;
        rtpSeen = true;
        timeoutReported = false;
        packetsIn++;
        bytesIn += header.payloadLength();
        reception.onPacket(header.sequenceNumber(), header.timestamp(), now, 8000);
        int pt = header.payloadType();
        if (pt == params.telephoneEventPayloadType()) {
            dtmfReceiver.onPacket(header.timestamp(), header.marker(), buf, header.payloadIndex(), header.payloadLength());
        } else if (pt == params.codec().payloadType()) {
            JitterPushResult r = playout.push(header.sequenceNumber(), header.timestamp(), buf, header.payloadIndex(),
                    header.payloadLength(), now);
            if (r == JitterPushResult.TOO_LARGE) {
                malformed++;
            }
        } else {
            unexpectedPayload++; // comfort noise (13), a codec we did not answer, ...
        }
    }

    private boolean acceptSource(InetSocketAddress sender, long now) {
        if (sender.equals(sendTo)) {
            latched = true;
            return true;
        }
        if (!latched || now - lastRtpNanos > RELATCH_SILENCE_NANOS) {
            sendTo = sender;
            latched = true;
            engine.log().log(System.Logger.Level.DEBUG, "rtp port " + port + " latched to " + sender);
            return true;
        }
        return false; // a second source while the first is live: ignore it
    }

    void onRtcp(ByteBuf buf, InetSocketAddress sender) {
        // Reports from the phone are not needed for anything yet; RTCP arrival proves the peer is alive.
        if (!closed && sendTo != null && sender.getAddress().equals(sendTo.getAddress())) {
            long halfway = engine.nanoTime() - timeoutNanos / 2;
            if (!rtpSeen || halfway - lastRtpNanos > 0) {
                lastRtpNanos = halfway;
                rtpSeen = true;
            }
        }
    }

    private void onDtmf(char digit) {
        dtmfIn++;
        listener.onDtmf(digit);
    }

    @Override
    public String toString() {
        return "RTP port " + port;
    }

    // ---- as an RtpLeg of a CallMedia ----

    @Override
    public boolean playOut(long nowNanos, short[] out, int off) {
        if (closed || params == null) {
            java.util.Arrays.fill(out, off, off + FRAME_SAMPLES, (short) 0);
            return false;
        }
        return playout.read(nowNanos, out, off);
    }

    @Override
    public void send(short[] pcm, int off, int count) {
        if (closed || params == null) {
            return;
        }
        sender.queue(pcm, off, count);
        sender.sendDue(params, rtpChannel, sendTo);
    }

    @Override
    public void housekeeping(long nowNanos) {
        if (closed || params == null) {
            return;
        }
        checkTimeout(nowNanos);
        if (--ticksToRtcp == 0) {
            ticksToRtcp = RTCP_INTERVAL_TICKS;
            sendRtcp();
        }
    }

    @Override
    public String receivePath() {
        return "phone " + (params == null ? "?" : params.codec().encodingName()) + "/8000 -> " + playout;
    }

    @Override
    public String sendPath() {
        return sender.sendPath();
    }

    // ---- the 20 ms tick when started on its own (MediaEngine calls it on this loop) ----

    /**
     * Sends the packets due now, from audio queued in earlier ticks. Sending before any call on the loop does its
     * heavier work keeps every call's packets on the 20 ms grid (the price: audio queued with {@link #sendAudio}
     * leaves one tick, 20 ms, after it was produced; a {@code CallMedia} avoids that with {@link #send}).
     */
    @Override
    public void pace(long now) {
        if (closed || params == null) {
            return;
        }
        sender.sendDue(params, rtpChannel, sendTo);
    }

    @Override
    public void tick(long now) {
        if (closed || params == null) {
            return;
        }
        playout.read(now, frameOut, 0);
        listener.onAudio(frameOut, 0, FRAME_SAMPLES);
        housekeeping(now);
    }

    private void checkTimeout(long now) {
        if (!params.expectMedia() || timeoutReported) {
            return;
        }
        // nanoTime values may be negative: compare by subtraction, never with max()
        long since = rtpSeen && lastRtpNanos - mediaExpectedSinceNanos > 0 ? lastRtpNanos : mediaExpectedSinceNanos;
        if (now - since >= timeoutNanos) {
            timeoutReported = true;
            listener.onMediaTimeout((now - since) / 1_000_000L);
        }
    }

    private void sendRtcp() {
        if (sendTo == null) {
            return;
        }
        ByteBuf out = rtcpChannel.alloc().directBuffer(128);
        boolean haveBlock = reception.fillReportBlock(reportBlock, 0, 0);
        if (!packetizer.writeReport(out, RtcpCodec.toNtp(System.currentTimeMillis()), haveBlock ? reportBlock : null)) {
            out.release();
            return;
        }
        InetSocketAddress rtcpTo = new InetSocketAddress(sendTo.getAddress(), sendTo.getPort() + 1);
        rtcpChannel.writeAndFlush(new DatagramPacket(out, rtcpTo), rtcpChannel.voidPromise());
    }
}
