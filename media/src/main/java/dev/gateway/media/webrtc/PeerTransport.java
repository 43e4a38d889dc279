package dev.gateway.media.webrtc;

import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaTick;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpHeader;
import dev.gateway.media.rtp.RtpParseResult;
import dev.gateway.media.udp.DatagramEnvelopes;
import dev.gateway.media.webrtc.dtls.DtlsCertificate;
import dev.gateway.media.webrtc.dtls.DtlsRole;
import dev.gateway.media.webrtc.dtls.DtlsSession;
import dev.gateway.media.webrtc.dtls.SrtpKeyMaterial;
import dev.gateway.media.webrtc.ice.IceAgent;
import dev.gateway.media.webrtc.ice.IceCandidate;
import dev.gateway.media.webrtc.ice.IceParseException;
import dev.gateway.media.webrtc.ice.IceRole;
import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebRTC peer connection's transport, minimal and BUNDLEd: a single UDP socket on the call's event loop that
 * carries ICE (STUN), DTLS and SRTP/SRTCP, demultiplexed by the first byte as RFC 7983 §7 says
 * ([0..3] STUN, [20..63] DTLS, [128..191] RTP/RTCP). Sequence: ICE connects, DTLS runs (on the handshake pool),
 * the exported keys set up SRTP, then {@link Listener#onReady()}; from there RTP goes both ways without
 * BouncyCastle.
 *
 * <p>Threading: loop-confined (the socket's loop); DTLS callbacks hop onto the loop.
 */
public final class PeerTransport implements MediaTick, dev.gateway.media.rtp.PacketOutput {
    /** What the transport reports. All on the loop. */
    public interface Listener {
        void onReady();

        void onFailed(String reason);

        /** A decrypted RTP packet; {@code packet} is released after return (copy what you keep). */
        void onRtp(ByteBuf packet, RtpHeader header);

        /** A decrypted RTCP compound packet (reports, NACKs); released after return. */
        default void onRtcp(ByteBuf packet) {
        }

        /** A data channel message (SCTP over DTLS); {@code data} belongs to the listener. */
        default void onData(String label, byte[] data) {
        }

        /** The data channel {@code label} can carry messages. */
        default void onDataChannelOpen(String label) {
        }

        /** ICE selected a pair (set-up timeline). */
        default void onIceConnected() {
        }

        /** The DTLS handshake got its pool thread and is running (set-up timeline: the wait before is the pool's). */
        default void onDtlsRunning() {
        }
    }

    private static final System.Logger LOG = System.getLogger("webrtc");

    private final MediaEngine engine;
    private final EventLoop loop;
    private final DtlsRole dtlsRole;
    private final Executor dtlsPool;
    private final Listener listener;
    private final String name;
    private final RtpHeader header = new RtpHeader();
    /** Every datagram we send (SRTP, SRTCP, STUN, DTLS) goes in one of these: no envelope per packet. */
    private final DatagramEnvelopes envelopes;
    private Channel channel;
    private IceAgent ice;
    private String iceUfrag;
    private String icePwd;
    private DtlsSession dtls;
    private boolean dtlsStarted;
    private SrtpContext outbound;
    private SrtpContext inbound;
    private InetSocketAddress remote;
    private String remoteFingerprint;
    private boolean ready;
    private final PeerDataLink data;
    private boolean failed;
    private boolean closed;
    private long srtpFailures;
    /** A datagram arrived since the last tick: set per datagram, turned into a time per tick (no clock per packet). */
    private boolean heardSinceTick;
    /** Media clock (ns) of the first tick after the latest datagram from the peer; {@link Long#MIN_VALUE} before. */
    private long lastHeardNanos = Long.MIN_VALUE;

    private PeerTransport(MediaEngine engine, EventLoop loop, DtlsRole dtlsRole, Executor dtlsPool, Listener listener, String name) {
        this.engine = engine;
        this.loop = loop;
        this.dtlsRole = dtlsRole;
        this.dtlsPool = dtlsPool;
        this.listener = listener;
        this.name = name;
        this.data = new PeerDataLink(name, listener);
        this.envelopes = new DatagramEnvelopes(loop);
    }

    /**
     * Binds the socket and prepares ICE. Completes on {@code loop}.
     *
     * @param iceRole  CONTROLLING on the connection we offer, CONTROLLED on the one we answer
     * @param dtlsRole SERVER when we offered actpass and the peer answered active; CLIENT when we answer active
     */
    public static CompletableFuture<PeerTransport> open(MediaEngine engine, EventLoop loop, IceRole iceRole,
                                                        DtlsRole dtlsRole, Executor dtlsPool, Listener listener, String name) {
        PeerTransport t = new PeerTransport(engine, loop, dtlsRole, dtlsPool, listener, name);
        // on the loop even when the bind has completed before this line (thenApply would then run on the caller's
        // thread, and register() must run on the loop)
        return engine.openDatagram(loop, t.new Inbound()).thenApplyAsync(ch -> {
            t.channel = ch;
            t.iceUfrag = IceAgent.randomUfrag();
            t.icePwd = IceAgent.randomPwd();
            t.ice = new IceAgent(iceRole, t.iceUfrag, t.icePwd,
                    ThreadLocalRandom.current().nextLong(), t::sendIce, t.new IceEvents(), ch.alloc());
            engine.register(t);
            return t;
        }, loop);
    }

    public String iceUfrag() {
        return iceUfrag;
    }

    public String icePwd() {
        return icePwd;
    }

    /** Our one host candidate, as an SDP candidate value. */
    public String localCandidate() {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        String address = local.getAddress().isAnyLocalAddress() ? "127.0.0.1" : local.getAddress().getHostAddress();
        return new IceCandidate("1", 1, "udp", IceCandidate.hostPriority(65535, 1), address, local.getPort(), "host").toSdp();
    }

    /** The remote description's ICE credentials, fingerprint and candidates. */
    public void setRemote(WebRtcDescription remoteDescription) {
        remoteFingerprint = remoteDescription.fingerprint();
        ice.setRemoteCredentials(remoteDescription.iceUfrag(), remoteDescription.icePwd());
        for (String c : remoteDescription.candidates()) {
            addRemoteCandidate(c);
        }
        ice.tick(engine.nanoTime()); // the first check leaves now rather than on the loop's next 20 ms tick
        if (dtls == null) {
            // Started when it can make progress, so that it holds a pool thread only while it has work: the server
            // on the peer's ClientHello (onDatagram), the client once ICE has selected a pair (IceEvents). Records
            // after the handshake (SCTP) are decrypted on this loop, never queued behind other calls' handshakes.
            dtls = new DtlsSession(dtlsRole, DtlsCertificate.shared(), remoteFingerprint, dtlsPool, loop,
                    this::sendDtlsFromPool, new DtlsEvents());
        }
    }

    /** A trickled remote candidate ("candidate:..."); unusable ones (tcp, unparseable) are ignored. */
    public void addRemoteCandidate(String candidate) {
        try {
            IceCandidate c = IceCandidate.parse(candidate);
            if (c.transport().equalsIgnoreCase("udp")) {
                ice.addRemoteCandidate(c);
            }
        } catch (IceParseException e) {
            LOG.log(System.Logger.Level.DEBUG, name + ": ignored candidate " + candidate + ": " + e.getMessage());
        }
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    /** Encrypts and sends one RTP packet; takes ownership of {@code packet}. Dropped (released) before ready. */
    @Override
    public void sendRtp(ByteBuf packet) {
        if (!ready || closed) {
            packet.release();
            return;
        }
        packet.ensureWritable(SrtpContext.RTP_TRAILER_LENGTH);
        outbound.protectRtp(packet);
        envelopes.send(channel, packet, remote);
    }

    /** Encrypts (SRTCP) and sends one RTCP compound packet; takes ownership. Dropped before ready. */
    @Override
    public void sendRtcp(ByteBuf packet) {
        if (!ready || closed) {
            packet.release();
            return;
        }
        packet.ensureWritable(SrtpContext.RTCP_TRAILER_LENGTH);
        outbound.protectRtcp(packet);
        envelopes.send(channel, packet, remote);
    }

    /**
     * Opens these data channels as soon as the
     * SCTP association is up (WebRTC data channels: SCTP over DTLS, RFC 8261; DCEP, RFC 8832). Call before ready.
     */
    public void openDataChannelsWhenReady(java.util.List<DataChannelSpec> specs) {
        data.openWhenReady(specs);
    }

    /** A data channel we open: {@code maxRetransmits} -1 means reliable. */
    public record DataChannelSpec(String label, boolean ordered, int maxRetransmits) {
    }

    /** Sends one message on an open data channel; false when the channel is not open (yet). */
    public boolean sendData(String label, byte[] message) {
        return data.send(label, message);
    }

    /** True while data channel messages wait for the peer's acknowledgement. */
    public boolean dataPending() {
        return !closed && data.pending();
    }

    public long srtpFailures() {
        return srtpFailures;
    }

    /**
     * When the peer was last heard from (any datagram: STUN, DTLS, SRTP), on the media clock in ns, to the tick
     * (20 ms); {@link Long#MIN_VALUE} if never. A peer whose server is gone falls silent: ICE keepalives and RTCP
     * reports otherwise arrive every second or two.
     */
    public long lastHeardNanos() {
        return lastHeardNanos;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public void tick(long nowNanos) {
        if (heardSinceTick) {
            heardSinceTick = false;
            lastHeardNanos = nowNanos;
        }
        if (!closed && ice != null) {
            ice.tick(nowNanos);
        }
        if (!closed) {
            data.tick(nowNanos);
        }
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.unregister(this);
        if (ice != null) {
            ice.close();
        }
        data.close();
        if (dtls != null) {
            dtls.close();
        }
        engine.releaseDatagram(channel);
        engine.retire(envelopes);
    }

    @Override
    public String toString() {
        return "webrtc " + name;
    }

    // ------------------------------------------------------------------ internals (loop)

    private void sendIce(ByteBuf packet, InetSocketAddress to) {
        if (closed) {
            packet.release();
            return;
        }
        envelopes.send(channel, packet, to);
    }

    /** DTLS output comes from the handshake thread: copy and hop onto the loop. */
    private void sendDtlsFromPool(byte[] data, int off, int len) {
        ByteBuf copy = Unpooled.copiedBuffer(data, off, len);
        loop.execute(() -> {
            InetSocketAddress to = remote != null ? remote : ice.selectedRemote();
            if (closed || to == null) {
                copy.release();
                return;
            }
            envelopes.send(channel, copy, to); // a heap copy: Netty moves it to a direct buffer and frees the envelope
        });
    }

    private void onDatagram(ByteBuf buf, InetSocketAddress from) {
        if (closed || !buf.isReadable()) {
            return;
        }
        heardSinceTick = true;
        int first = buf.getUnsignedByte(buf.readerIndex());
        if (first <= 3) {
            ice.onStun(buf, from, engine.nanoTime());
        } else if (first >= 20 && first <= 63) {
            if (dtls != null) {
                if (remote == null) {
                    remote = from;
                }
                dtls.onDatagram(buf);
                if (dtlsRole == DtlsRole.SERVER) {
                    startDtls(); // the peer's ClientHello: only now does the server handshake have work
                }
            }
        } else if (first >= 128 && first <= 191 && ready) {
            onSrtp(buf);
        }
    }

    private void onSrtp(ByteBuf buf) {
        if (RtpCodec.looksLikeRtcp(buf)) {
            if (inbound.unprotectRtcp(buf) != SrtpResult.OK) {
                srtpFailures++;
                return;
            }
            listener.onRtcp(buf);
            return;
        }
        if (inbound.unprotectRtp(buf) != SrtpResult.OK) {
            srtpFailures++;
            return;
        }
        if (RtpCodec.parse(buf, header) == RtpParseResult.OK) {
            listener.onRtp(buf, header);
        }
    }

    private void fail(String reason) {
        if (failed || closed) {
            return;
        }
        failed = true;
        LOG.log(System.Logger.Level.INFO, name + ": " + reason);
        listener.onFailed(reason);
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            onDatagram(packet.content(), packet.sender());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors and the like: the peer may be gone; ICE consent decides
        }
    }

    private final class IceEvents implements IceAgent.Listener {
        @Override
        public void onConnected(InetSocketAddress selected) {
            remote = selected;
            LOG.log(System.Logger.Level.DEBUG, name + ": ICE connected to " + selected);
            listener.onIceConnected();
            if (dtlsRole == DtlsRole.CLIENT && dtls != null) {
                startDtls();
            }
        }

        @Override
        public void onFailed(String reason) {
            fail("ICE failed: " + reason);
        }
    }

    /** Submits the handshake to the pool once. */
    private void startDtls() {
        if (!dtlsStarted && !closed) {
            dtlsStarted = true;
            dtls.start();
        }
    }

    private final class DtlsEvents implements DtlsSession.Listener {
        @Override
        public void onHandshakeRunning() {
            loop.execute(() -> {
                if (!closed) {
                    listener.onDtlsRunning();
                }
            });
        }

        @Override
        public void onConnected(SrtpKeyMaterial keys) {
            loop.execute(() -> {
                if (closed) {
                    return;
                }
                outbound = new SrtpContext(keys.localKey(), keys.localSalt());
                inbound = new SrtpContext(keys.remoteKey(), keys.remoteSalt());
                ready = true;
                startData();
                listener.onReady();
            });
        }

        @Override
        public void onFailed(String reason) {
            loop.execute(() -> fail("DTLS failed: " + reason));
        }

        @Override
        public void onApplicationData(byte[] bytes, int off, int len) {
            byte[] copy = java.util.Arrays.copyOfRange(bytes, off, off + len); // the DTLS drain reuses its buffer
            loop.execute(() -> {
                if (!closed) {
                    data.onPacket(copy, engine.nanoTime());
                }
            });
        }
    }

    /** SCTP over the DTLS association; the DTLS client starts it (both may, collisions are handled). */
    private void startData() {
        data.start(dtlsRole == DtlsRole.CLIENT, (bytes, off, len) -> dtls.send(bytes, off, len), engine.nanoTime());
    }
}
