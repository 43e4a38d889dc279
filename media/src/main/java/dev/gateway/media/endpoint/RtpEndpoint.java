package dev.gateway.media.endpoint;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.call.RtpLeg;
import dev.gateway.media.dtmf.DtmfReceiver;
import dev.gateway.media.g711.G711;
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
import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call's phone-side RTP, the phone leg ({@link RtpLeg}) of that call's {@code CallMedia}: receives G.711 and
 * RFC 4733 from the phone into a {@link JitterPlayout}, and sends the call's audio back through its
 * {@link PhoneSender} (G.711 writer and the shared {@link RtpPacketizer}).
 *
 * <p>It has no clock of its own and is not on the engine's tick: the call's {@code CallMedia}, registered there,
 * pulls the caller's 20 ms frame with {@link #playOut}, hands the phone's frame to {@link #send} (packetised and
 * sent in that same tick) and runs {@link #housekeeping} (media timeout, RTCP) once per tick. The
 * {@link MediaListener} given to {@link #open} hears key presses and the media timeout.
 *
 * <p>Threading: loop-confined. Every method except {@link #localPort()} and {@link #eventLoop()} must run on that
 * loop; hopping onto it for {@link #stats()} is the caller's business (the gateway does). The send path allocates
 * no object per packet (pooled buffers, pooled envelopes: {@link dev.gateway.media.udp.DatagramEnvelopes}); the
 * receive path gets Netty's inbound datagram, buffer and sender address per packet.
 *
 * <p>Strict symmetric RTP ({@link SourceLatch}): nothing is sent until a valid RTP packet arrives from the IP the
 * SDP named (or a trusted media range); from then on RTP goes to that packet's source and only that source is
 * heard. Packets from any other source are counted ({@link RtpEndpointStats#foreignDropped()}) and dropped, never
 * played; only the exact signalled address or a new one from a re-offer ({@link #update}) moves the latch. Until
 * the phone has proven its address {@link #canSend()} is false, so the call's {@code CallMedia} holds its audio.
 *
 * <p>SRTP (when {@link MediaParams#srtp()} holds keys): every RTP and RTCP packet is unprotected in place before
 * anything reads it and protected in place just before it leaves. A packet that fails authentication or is a
 * replay is counted ({@link RtpEndpointStats#srtpAuthFailures()}, {@link RtpEndpointStats#srtpReplays()}) and
 * dropped; it never latches a source nor counts as the phone being alive. Sources the latch would refuse anyway
 * are dropped before the HMAC is computed, so a flood from a stranger costs no crypto.
 */
public final class RtpEndpoint implements RtpLeg {
    static final int MAX_PAYLOAD = 1500;
    private static final int RTCP_INTERVAL_TICKS = 250; // 5 s of 20 ms ticks (RFC 3550 §6.2 minimum)
    /** A frame never sent: stands for the audio held while the phone has not proven its address. */
    private static final short[] NOTHING = new short[AudioFrames.SAMPLES_8K];

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
    private final SourceLatch latch;

    private MediaParams params;
    /** Unprotects the phone's SRTP/SRTCP; null for plain RTP. */
    private SrtpContext srtpIn;
    private boolean srtpLogged;
    private long srtpAuthFailures, srtpReplays;
    private MediaListener listener;
    private boolean foreignLogged;
    private long remoteSsrc = -1;
    private long lastRtpNanos;
    private boolean rtpSeen;
    private long mediaExpectedSinceNanos;
    private boolean timeoutReported;
    private boolean closed;
    private int ticksToRtcp = RTCP_INTERVAL_TICKS;

    private long packetsIn, bytesIn, malformed, unexpectedPayload, ssrcChanges, dtmfIn, foreignDropped, latches;
    private long rtcpSuppressed;
    /** Where RTCP goes: the latched RTP address, port + 1; made again only when the latch moves. */
    private InetSocketAddress rtcpTo;
    private InetSocketAddress rtcpToFor;

    RtpEndpoint(MediaEngine engine, EventLoop loop, int port, MediaEngineConfig config) {
        this.engine = engine;
        this.loop = loop;
        this.port = port;
        this.timeoutNanos = config.rtpTimeoutMillis() * 1_000_000L;
        this.playout = new JitterPlayout(decoder, config.jitterMinMs(), config.jitterMaxMs(), MAX_PAYLOAD);
        this.dtmfReceiver = new DtmfReceiver(this::onDtmf);
        this.latch = new SourceLatch(config.trustedMediaRanges());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long ssrc = random.nextLong() & 0xFFFF_FFFFL;
        this.packetizer = new RtpPacketizer(ssrc, random.nextInt(0x10000), random.nextLong() & 0xFFFF_FFFFL,
                "gw-" + Long.toHexString(ssrc), 0);
        this.sender = new PhoneSender(packetizer, G711.PCMU, loop);
    }

    void attach(Channel rtp, Channel rtcp) {
        this.rtpChannel = rtp;
        this.rtcpChannel = rtcp;
    }

    /** The loop this endpoint's sockets, and its call's media, live on. Thread-safe. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** The even local port RTP is bound to (RTCP is on the next one). Thread-safe. */
    public int localPort() {
        return port;
    }

    /**
     * Starts receiving and sending with the negotiated {@code params}; from now on the call's {@code CallMedia}
     * gets the caller's audio from {@link #playOut} and its frames reach the phone through {@link #send}.
     * {@code listener} hears key presses and the media timeout. Loop-confined.
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
        if (previous == null || !Objects.equals(previous.srtp(), next.srtp())) {
            // new keys (or none): new contexts; the same keys repeated by a re-offer keep ROC and replay state
            srtpIn = next.srtp() == null ? null : next.srtp().receiver();
            sender.srtp(next.srtp() == null ? null : next.srtp().sender());
        }
        latch.signal(next.remote()); // a new address must prove itself: nothing is sent to it until it sends
        sender.update(previous, next);
        if (previous == null || previous.codec() != next.codec()) {
            playout.reset();
            decoder.codec(next.codec());
        }
        mediaExpectedSinceNanos = engine.nanoTime();
        timeoutReported = false;
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
                ssrcChanges, dtmfIn, sender.dtmfOut(), js.targetDelayMs(), hostPort(latch.latched()),
                hostPort(latch.signalled()), latches, foreignDropped, sender.suppressed() + rtcpSuppressed,
                params == null || params.srtp() == null ? "" : params.srtp().profile().name(), srtpAuthFailures,
                srtpReplays);
    }

    private static String hostPort(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    /**
     * Stops media, closes both sockets and gives the ports back; from now on {@link #playOut} gives silence and
     * {@link #send} drops. Idempotent. Loop-confined.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        rtpChannel.close();
        rtcpChannel.close();
        engine.releasePort(port);
        engine.retire(sender.envelopes());
    }

    // ---- receive path (called by RtpInboundHandler on the loop) ----

    void onRtp(ByteBuf buf, InetSocketAddress sender) {
        if (closed || params == null) {
            return;
        }
        if (RtpCodec.looksLikeRtcp(buf)) {
            malformed++;
            engine.countMalformed();
            return;
        }
        if (srtpIn != null) {
            if (!latch.wouldAccept(sender)) {
                refuse(sender); // before the HMAC: a stranger's flood costs no crypto
                return;
            }
            SrtpResult unprotected = srtpIn.unprotectRtp(buf);
            if (unprotected != SrtpResult.OK) {
                dropSrtp(unprotected, sender);
                return;
            }
        }
        if (RtpCodec.parse(buf, header) != RtpParseResult.OK) {
            malformed++;
            engine.countMalformed();
            return;
        }
        SourceLatch.Verdict verdict = latch.offer(sender);
        if (verdict == SourceLatch.Verdict.REFUSED) {
            refuse(sender);
            return;
        }
        if (verdict == SourceLatch.Verdict.NEW_LATCH) {
            latches++;
            engine.log().log(System.Logger.Level.DEBUG, "RTP port " + port + " latched to " + sender);
        }
        long now = engine.nanoTime();
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

    /** A packet from neither the latched source nor the phone's signalled address: counted, dropped, logged once. */
    private void refuse(InetSocketAddress sender) {
        foreignDropped++;
        if (!foreignLogged) {
            foreignLogged = true;
            engine.log().log(System.Logger.Level.INFO, "RTP port " + port + ": dropping RTP from " + hostPort(sender)
                    + " (the phone is " + hostPort(latch.signalled()) + (latch.latched() == null ? "" : ", latched to "
                    + hostPort(latch.latched())) + ")");
        }
    }

    /** An SRTP packet that did not authenticate, was replayed or too short: counted, dropped, logged once. */
    private void dropSrtp(SrtpResult result, InetSocketAddress sender) {
        if (result == SrtpResult.REPLAYED) {
            srtpReplays++;
        } else {
            srtpAuthFailures++; // TOO_SHORT counts here too: it cannot carry a valid tag
        }
        if (!srtpLogged) {
            srtpLogged = true;
            engine.log().log(System.Logger.Level.INFO, "RTP port " + port + ": dropping SRTP from " + hostPort(sender)
                    + " (" + result + "); further drops are only counted");
        }
    }

    void onRtcp(ByteBuf buf, InetSocketAddress sender) {
        // Reports from the phone are not needed for anything yet; RTCP arrival proves the peer is alive (with
        // SRTP only once it authenticates).
        InetSocketAddress phone = latch.latched();
        if (!closed && phone != null && sender.getAddress().equals(phone.getAddress())
                && (srtpIn == null || srtpIn.unprotectRtcp(buf) == SrtpResult.OK)) {
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

    // ---- the phone leg of a CallMedia, once per tick ----

    @Override
    public boolean playOut(long nowNanos, short[] out, int off) {
        if (closed || params == null) {
            Arrays.fill(out, off, off + AudioFrames.SAMPLES_8K, (short) 0);
            return false;
        }
        return playout.read(nowNanos, out, off);
    }

    @Override
    public void send(short[] pcm, int off, int count) {
        if (closed || params == null) {
            return;
        }
        sender.send(pcm, off, count, params, rtpChannel, latch.latched()); // null before the latch: counted, not sent
    }

    /** True once a valid RTP packet from the phone has latched its address: until then nothing is sent. */
    @Override
    public boolean canSend() {
        return latch.latched() != null;
    }

    @Override
    public void housekeeping(long nowNanos) {
        if (closed || params == null) {
            return;
        }
        checkTimeout(nowNanos);
        if (params.send() && latch.latched() == null) {
            // the call holds its audio until the phone has sent (CallMedia asks canSend): this tick's packets were
            // due and are counted as suppressed; the RTP clock runs on
            sender.send(NOTHING, 0, AudioFrames.SAMPLES_8K, params, rtpChannel, null);
        }
        if (--ticksToRtcp == 0) {
            ticksToRtcp = RTCP_INTERVAL_TICKS;
            sendRtcp();
        }
    }

    @Override
    public G711 codec() {
        return params == null ? null : params.codec();
    }

    @Override
    public String receivePath() {
        return "phone " + (params == null ? "?" : params.codec().encodingName()) + "/8000 -> " + playout;
    }

    @Override
    public String sendPath() {
        return sender.sendPath();
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
        InetSocketAddress sendTo = latch.latched();
        if (sendTo == null) {
            rtcpSuppressed++;
            return;
        }
        ByteBuf out = rtcpChannel.alloc().directBuffer(128 + SrtpContext.RTCP_TRAILER_LENGTH);
        boolean haveBlock = reception.fillReportBlock(reportBlock, 0, 0);
        if (!packetizer.writeReport(out, RtcpCodec.toNtp(System.currentTimeMillis()), haveBlock ? reportBlock : null)) {
            out.release();
            return;
        }
        sender.protectRtcp(out);
        if (sendTo != rtcpToFor) {
            rtcpTo = new InetSocketAddress(sendTo.getAddress(), sendTo.getPort() + 1);
            rtcpToFor = sendTo;
        }
        sender.envelopes().send(rtcpChannel, out, rtcpTo);
    }
}
