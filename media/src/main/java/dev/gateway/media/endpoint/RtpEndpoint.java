package dev.gateway.media.endpoint;

import dev.gateway.media.audio.PcmRing;
import dev.gateway.media.dtmf.DtmfReceiver;
import dev.gateway.media.dtmf.DtmfSender;
import dev.gateway.media.g711.G711;
import dev.gateway.media.jitter.JitterBuffer;
import dev.gateway.media.jitter.JitterFrame;
import dev.gateway.media.jitter.JitterPushResult;
import dev.gateway.media.rtcp.ReceptionStats;
import dev.gateway.media.rtcp.ReportBlock;
import dev.gateway.media.rtcp.RtcpCodec;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call's phone-side RTP: receives G.711 and RFC 4733 from the phone, plays it out through a jitter buffer in
 * 20 ms frames to a {@link MediaListener}, and sends the agent's audio back paced by the event loop's tick.
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
public final class RtpEndpoint implements MediaTick {
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
    private final JitterBuffer jitter;
    private final JitterFrame frame = new JitterFrame(MAX_PAYLOAD);
    private final ReceptionStats reception = new ReceptionStats();
    private final ReportBlock reportBlock = new ReportBlock();
    private final byte[] cname;
    private final DtmfReceiver dtmfReceiver;
    private DtmfSender dtmfSender;
    private final PcmRing inbound = new PcmRing(4096);
    private final PcmRing outbound = new PcmRing(16384);
    private final short[] scratch = new short[MAX_PAYLOAD];
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

    private final long ssrc = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL;
    private int sequence = ThreadLocalRandom.current().nextInt(0x10000);
    private long timestamp = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL;
    private int sendAccumulatedMs;
    private boolean firstPacket = true;
    private int ticksToRtcp = RTCP_INTERVAL_TICKS;

    private long packetsIn, packetsOut, bytesIn, bytesOut, malformed, unexpectedPayload, ssrcChanges, dtmfIn, dtmfOut;

    RtpEndpoint(MediaEngine engine, EventLoop loop, int port, MediaEngineConfig config) {
        this.engine = engine;
        this.loop = loop;
        this.port = port;
        this.timeoutNanos = config.rtpTimeoutMillis() * 1_000_000L;
        this.jitter = new JitterBuffer(8000, config.jitterMinMs(), config.jitterMaxMs(), MAX_PAYLOAD);
        this.dtmfReceiver = new DtmfReceiver(this::onDtmf);
        this.cname = ("gw-" + Long.toHexString(ssrc)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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

    /** Starts sending and playing out. Loop-confined. */
    public void start(MediaParams params, MediaListener listener) {
        assert loop.inEventLoop();
        this.listener = listener;
        update(params);
        engine.register(this);
    }

    /** Applies a new offer/answer outcome (re-INVITE: hold, unhold, new address or codec). Loop-confined. */
    public void update(MediaParams next) {
        MediaParams previous = this.params;
        this.params = next;
        if (previous == null || !previous.remote().equals(next.remote())) {
            sendTo = next.remote();
            latched = false;
        }
        if (previous == null || previous.ptimeMs() != next.ptimeMs()) {
            dtmfSender = new DtmfSender(100, 60, next.ptimeMs(), 8000);
        }
        if (previous == null || previous.codec() != next.codec()) {
            jitter.reset();
            inbound.clear();
        }
        mediaExpectedSinceNanos = engine.nanoTime();
        timeoutReported = false;
    }

    /** Queues 8 kHz PCM for the phone (copied). Loop-confined. */
    public void sendAudio(short[] pcm, int offset, int count) {
        outbound.write(pcm, offset, count);
    }

    /** Queues one DTMF digit as RFC 4733 events; false when the peer has no telephone-event or the queue is full. */
    public boolean sendDtmf(char digit) {
        if (params == null || params.telephoneEventPayloadType() < 0) {
            return false;
        }
        return dtmfSender.enqueue(digit);
    }

    /** Counters now. Loop-confined (hop onto the loop to call it). */
    public RtpEndpointStats stats() {
        var js = jitter.stats();
        return new RtpEndpointStats(packetsIn, packetsOut, bytesIn, bytesOut, reception.cumulativeLost(),
                reception.jitterMs(), malformed, unexpectedPayload, js.late(), js.lost(), ssrcChanges, dtmfIn,
                dtmfOut, js.targetDelayMs(), sendTo == null ? "" : sendTo.getHostString() + ":" + sendTo.getPort());
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
                jitter.reset();
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
            JitterPushResult r = jitter.push(header.sequenceNumber(), header.timestamp(), buf, header.payloadIndex(),
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

    // ---- the 20 ms tick (MediaEngine calls it on this loop) ----

    /**
     * Sends the packets due now, from audio the agent queued in earlier ticks. Sending before any call on the loop
     * does its heavier work keeps every call's packets on the 20 ms grid (the price: the agent's audio leaves one
     * tick, 20 ms, after it was produced).
     */
    @Override
    public void pace(long now) {
        if (closed || params == null) {
            return;
        }
        sendDue();
    }

    @Override
    public void tick(long now) {
        if (closed || params == null) {
            return;
        }
        playOut(now);
        checkTimeout(now);
        if (--ticksToRtcp == 0) {
            ticksToRtcp = RTCP_INTERVAL_TICKS;
            sendRtcp();
        }
    }

    private void playOut(long now) {
        G711 codec = params.codec();
        while (inbound.size() < FRAME_SAMPLES && jitter.poll(now, frame)) {
            if (frame.lost()) {
                inbound.writeSilence(Math.min(frame.samples(), MAX_PAYLOAD));
            } else {
                int n = Math.min(frame.length(), scratch.length);
                codec.decode(frame.payload(), 0, n, scratch, 0);
                inbound.write(scratch, 0, n);
            }
        }
        inbound.read(frameOut, 0, FRAME_SAMPLES); // silence-padded when the buffer has nothing yet
        listener.onAudio(frameOut, 0, FRAME_SAMPLES);
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

    private void sendDue() {
        int ptime = params.ptimeMs();
        int samples = params.samplesPerPacket();
        sendAccumulatedMs += 20;
        while (sendAccumulatedMs >= ptime) {
            sendAccumulatedMs -= ptime;
            if (!params.send() || sendTo == null) {
                outbound.skip(samples);
                timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
                continue;
            }
            ByteBuf out = rtpChannel.alloc().directBuffer(RtpCodec.HEADER_SIZE + samples);
            int te = params.telephoneEventPayloadType();
            if (te >= 0 && dtmfSender.isBusy()) {
                int at = out.writerIndex();
                out.writerIndex(at + RtpCodec.HEADER_SIZE);
                if (dtmfSender.nextPacket(timestamp, out)) {
                    int end = out.writerIndex();
                    out.writerIndex(at);
                    RtpCodec.writeHeader(out, dtmfSender.marker(), te, sequence, dtmfSender.eventTimestamp(), ssrc);
                    out.writerIndex(end);
                    outbound.skip(samples); // the caller hears the tone, not the agent, while a key is pressed
                    if (dtmfSender.marker()) {
                        dtmfOut++;
                    }
                    emit(out, end - at - RtpCodec.HEADER_SIZE);
                    timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
                    continue;
                }
                out.writerIndex(at);
            }
            RtpCodec.writeHeader(out, firstPacket, params.codec().payloadType(), sequence, timestamp, ssrc);
            firstPacket = false;
            outbound.read(scratch, 0, samples);
            params.codec().encode(scratch, 0, samples, out);
            emit(out, samples);
            timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
        }
    }

    private void emit(ByteBuf packet, int payloadBytes) {
        sequence = (sequence + 1) & 0xFFFF;
        packetsOut++;
        bytesOut += payloadBytes;
        rtpChannel.writeAndFlush(new DatagramPacket(packet, sendTo), rtpChannel.voidPromise());
    }

    private void sendRtcp() {
        if (sendTo == null) {
            return;
        }
        ByteBuf out = rtcpChannel.alloc().directBuffer(128);
        boolean haveBlock = reception.fillReportBlock(reportBlock, 0, 0);
        if (packetsOut > 0) {
            RtcpCodec.writeSenderReport(out, ssrc, RtcpCodec.toNtp(System.currentTimeMillis()), timestamp, packetsOut,
                    bytesOut, haveBlock ? reportBlock : null);
        } else if (haveBlock) {
            RtcpCodec.writeReceiverReport(out, ssrc, reportBlock);
        } else {
            out.release();
            return;
        }
        RtcpCodec.writeSdesCname(out, ssrc, cname);
        InetSocketAddress rtcpTo = new InetSocketAddress(sendTo.getAddress(), sendTo.getPort() + 1);
        rtcpChannel.writeAndFlush(new DatagramPacket(out, rtcpTo), rtcpChannel.voidPromise());
    }
}
