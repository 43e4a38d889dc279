package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One SCTP association over DTLS (RFC 8261): the four-way handshake (RFC 4960 §5), reliable and partially
 * reliable (RFC 3758) data transfer, heartbeats, graceful shutdown and abort. The pieces live in
 * {@link SctpSendQueue}, {@link SctpReceiveQueue}, {@link SctpReassembly}, {@link SctpRto}, {@link SctpTimer}s and
 * {@link SctpCounters}; this class holds the state machine and routes chunks.
 *
 * <p>Both WebRTC peers may send INIT. The DTLS client ({@code client = true}) sends it on {@link #start}; the other
 * side answers statelessly with a cookie. An INIT crossing ours (§5.2.1) is answered with our own tag and initial
 * TSN, so either COOKIE ECHO then completes the association.
 *
 * <p>Not supported: multi-homing (one DTLS path), association restart (§5.2.2: an INIT once established is
 * ignored), stream reconfiguration (RFC 6525), AUTH, I-DATA.
 *
 * <p>Threading: loop-confined. Every method must be called on the same thread (the DTLS session's callbacks hop
 * there); the listener and output are invoked on it, re-entrantly from within these methods. Time is injected:
 * {@link #send} uses the time of the last call that carried one. {@link #stats()} may be called from any thread.
 */
public final class SctpAssociation {

    /** Receives complete SCTP packets to encrypt and send, e.g. the caller's {@code DtlsSession.send}. */
    public interface Output {
        /** {@code packet} is not reused after the call returns; the callee may keep it. */
        void send(byte[] packet, int off, int len);
    }

    /** Upcalls from the association, on its thread. */
    public interface Listener {
        void onEstablished();

        /** One complete user message; {@code data} belongs to the listener. */
        void onMessage(int streamId, int ppid, byte[] data, int off, int len);

        /** Called once, when the association ends for any reason. */
        void onClosed(String reason);
    }

    /** Receive and send buffer size: advertised a_rwnd and the limit on queued user bytes. */
    public static final long BUFFER_BYTES = 1 << 20;
    /** Streams offered in each direction. */
    public static final int STREAMS = 65535;
    static final long DELAYED_SACK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long HEARTBEAT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long COOKIE_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Association.Max.Retrans and Max.Init.Retransmits (RFC 4960 §15). */
    static final int MAX_RETRANSMISSIONS = 10;
    static final int MAX_INIT_RETRANSMISSIONS = 8;

    private final boolean client;
    private final Listener listener;
    private final SctpCounters counters = new SctpCounters();
    private final SctpPacketWriter writer;
    private final SctpRto rto = new SctpRto();
    private final SctpTimer t1 = new SctpTimer();
    private final SctpTimer t2 = new SctpTimer();
    private final SctpTimer t3 = new SctpTimer();
    private final SctpTimer delayedSack = new SctpTimer();
    private final SctpTimer heartbeat = new SctpTimer();
    private final SctpReassembly reassembly = new SctpReassembly();
    private final List<SctpChunk> control = new ArrayList<>();
    private final byte[] cookieSecret = new byte[32];
    private final int localTag;
    private final int localInitialTsn;

    private volatile SctpState state = SctpState.CLOSED;
    private SctpSendQueue sendQueue;
    private SctpReceiveQueue receiveQueue;
    private int peerTag;
    private SctpChunk handshakeChunk;
    private boolean sackNow;
    private int packetsSinceSack;
    private boolean forwardTsnDue;
    private boolean heartbeatOutstanding;
    private int errorCount;
    private boolean closed;
    private long now;

    public SctpAssociation(boolean client, int localPort, int remotePort, Output out, Listener listener) {
        this.client = client;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.writer = new SctpPacketWriter(localPort, remotePort, Objects.requireNonNull(out, "out"), counters);
        SecureRandom random = new SecureRandom();
        random.nextBytes(cookieSecret);
        int tag;
        do {
            tag = random.nextInt();
        } while (tag == 0);
        this.localTag = tag;
        this.localInitialTsn = random.nextInt();
    }

    /** Starts the association: the DTLS client sends INIT; the server waits for one. */
    public void start(long nowNanos) {
        now = nowNanos;
        if (client && state == SctpState.CLOSED && !closed) {
            handshakeChunk = new SctpInitChunk(false, localTag, BUFFER_BYTES, STREAMS, STREAMS, localInitialTsn,
                    true, null);
            state = SctpState.COOKIE_WAIT;
            sendHandshake();
        }
    }

    private void sendHandshake() {
        writer.begin(handshakeChunk instanceof SctpInitChunk ? 0 : peerTag);
        writer.add(handshakeChunk);
        writer.finish();
        t1.start(now, rto.rtoNanos());
    }

    /** One decrypted DTLS application-data record: an SCTP packet (RFC 8261 §4). */
    public void onPacket(byte[] data, int off, int len, long nowNanos) {
        now = nowNanos;
        counters.packetsReceived.increment();
        SctpDecoded decoded = SctpPacketCodec.decode(data, off, len);
        if (!decoded.ok()) {
            (decoded.result() == SctpParseResult.BAD_CHECKSUM ? counters.badChecksums : counters.malformedPackets)
                    .increment();
            return;
        }
        SctpPacket packet = decoded.packet();
        if (!tagAcceptable(packet)) {
            counters.badVerificationTags.increment();
            return;
        }
        boolean sawData = false;
        for (SctpChunk chunk : packet.chunks()) {
            if (closed) {
                return;
            }
            if (chunk instanceof SctpDataChunk d) {
                sawData = true;
                onData(d);
            } else if (chunk instanceof SctpUnknownChunk u) {
                counters.unknownChunks.increment();
                if (u.action().reports()) {
                    control.add(new SctpErrorChunk(List.of(
                            new SctpErrorCause(SctpErrorCause.UNRECOGNIZED_CHUNK_TYPE, u.wireBytes()))));
                }
                if (u.action().stops()) {
                    break;
                }
            } else {
                onControl(chunk, packet.verificationTag());
            }
        }
        if (sawData) {
            packetsSinceSack++;
            if (packetsSinceSack >= 2 || receiveQueue.hasGaps()) {
                sackNow = true; // §6.2: every second packet, and at once when there is a gap
            } else if (!delayedSack.running()) {
                delayedSack.start(now, DELAYED_SACK_NANOS);
            }
        }
        flush();
    }

    /** RFC 4960 §8.5, §8.5.1. */
    private boolean tagAcceptable(SctpPacket packet) {
        SctpChunk first = packet.chunks().get(0);
        int tag = packet.verificationTag();
        if (first instanceof SctpInitChunk init && !init.ack()) {
            return tag == 0 && packet.chunks().size() == 1;
        }
        if (first instanceof SctpAbortChunk a && a.tagReflected()
                || first instanceof SctpShutdownCompleteChunk c && c.tagReflected()) {
            return peerTag != 0 && tag == peerTag;
        }
        return tag == localTag;
    }

    private void onControl(SctpChunk chunk, int packetTag) {
        if (chunk instanceof SctpInitChunk init) {
            if (init.ack()) {
                onInitAck(init);
            } else {
                onInit(init);
            }
        } else if (chunk instanceof SctpCookieEchoChunk echo) {
            onCookieEcho(echo);
        } else if (chunk instanceof SctpCookieAckChunk) {
            if (state == SctpState.COOKIE_ECHOED) {
                establish();
            }
        } else if (chunk instanceof SctpSackChunk sack) {
            onSack(sack);
        } else if (chunk instanceof SctpForwardTsnChunk fwd) {
            onForwardTsn(fwd);
        } else if (chunk instanceof SctpHeartbeatChunk hb) {
            onHeartbeat(hb);
        } else if (chunk instanceof SctpAbortChunk abort) {
            String why = abort.causes().isEmpty() ? "" : ": " + abort.causes().get(0).infoText();
            close("aborted by peer" + why);
        } else if (chunk instanceof SctpShutdownChunk s) {
            onShutdown(s);
        } else if (chunk instanceof SctpShutdownAckChunk) {
            onShutdownAck();
        } else if (chunk instanceof SctpShutdownCompleteChunk) {
            if (state == SctpState.SHUTDOWN_ACK_SENT) {
                close("shutdown");
            }
        }
        // ERROR: counted as a chunk received; nothing we send depends on the peer's complaints
    }

    private void onInit(SctpInitChunk init) {
        if (state != SctpState.CLOSED && state != SctpState.COOKIE_WAIT && state != SctpState.COOKIE_ECHOED) {
            return; // no restart support (§5.2.2)
        }
        byte[] cookie = new SctpCookie(localTag, init.initiateTag(), localInitialTsn, init.initialTsn(),
                init.advertisedWindow(), init.forwardTsnSupported(), now).seal(cookieSecret);
        writer.begin(init.initiateTag());
        writer.add(new SctpInitChunk(true, localTag, BUFFER_BYTES, STREAMS, STREAMS, localInitialTsn, true, cookie));
        writer.finish();
    }

    private void onInitAck(SctpInitChunk ack) {
        if (state != SctpState.COOKIE_WAIT) {
            return;
        }
        peerTag = ack.initiateTag();
        createQueues(ack.initialTsn(), ack.advertisedWindow());
        handshakeChunk = new SctpCookieEchoChunk(ack.stateCookie());
        state = SctpState.COOKIE_ECHOED;
        t1.resetExpiries();
        sendHandshake();
    }

    private void onCookieEcho(SctpCookieEchoChunk echo) {
        SctpCookie cookie = SctpCookie.open(echo.cookie(), cookieSecret);
        if (cookie == null || cookie.localTag() != localTag || now - cookie.createdNanos() > COOKIE_LIFETIME_NANOS) {
            counters.malformedPackets.increment();
            return;
        }
        if (state == SctpState.CLOSED || state == SctpState.COOKIE_WAIT || state == SctpState.COOKIE_ECHOED) {
            peerTag = cookie.peerTag();
            if (sendQueue == null) {
                createQueues(cookie.peerInitialTsn(), cookie.peerWindow());
            }
            // COOKIE ACK goes first: onEstablished() may send DATA at once (DCEP OPEN), and a peer still in
            // COOKIE-ECHOED discards DATA that does not follow the COOKIE ACK (RFC 4960 §5.1, seen with pion,
            // whose first two messages then waited for a 1 s retransmission).
            control.add(new SctpCookieAckChunk());
            establish();
            return;
        } else if (cookie.peerTag() != peerTag) {
            return; // a restart: unsupported
        }
        control.add(new SctpCookieAckChunk());
    }

    private void createQueues(int peerInitialTsn, long peerWindow) {
        sendQueue = new SctpSendQueue(localInitialTsn, peerWindow, BUFFER_BYTES, counters);
        receiveQueue = new SctpReceiveQueue(peerInitialTsn);
    }

    private void establish() {
        state = SctpState.ESTABLISHED;
        t1.stop();
        handshakeChunk = null;
        heartbeat.start(now, HEARTBEAT_INTERVAL_NANOS);
        listener.onEstablished();
    }

    private void onData(SctpDataChunk d) {
        counters.dataChunksReceived.increment();
        if (receiveQueue == null || !state.acceptsData()) {
            return;
        }
        long tsn = receiveQueue.unwrap(d.tsn());
        switch (receiveQueue.receive(tsn)) {
            case NEW -> reassembly.add(tsn, d, this::deliver);
            case DUPLICATE -> {
                counters.duplicateTsns.increment();
                sackNow = true; // §6.2: report duplicates at once
            }
            case OUT_OF_WINDOW -> counters.outOfWindowTsns.increment();
        }
    }

    private void deliver(int streamId, int ppid, byte[] data) {
        counters.messagesDelivered.increment();
        listener.onMessage(streamId, ppid, data, 0, data.length);
    }

    private void onSack(SctpSackChunk sack) {
        if (sendQueue == null) {
            return;
        }
        SctpSendQueue.SackOutcome outcome = sendQueue.onSack(sack, now);
        rto.onMeasurement(outcome.rttSampleNanos());
        if (outcome.cumulativeAdvanced()) {
            errorCount = 0;
            t3.stop(); // restarted below or by the next transmission (§6.3.2 R3)
        }
        if (!sendQueue.awaitingAck()) {
            t3.stop();
        } else if (!t3.running()) {
            t3.start(now, rto.rtoNanos());
        }
        forwardTsnDue |= sendQueue.forwardTsn() != null;
        progressShutdown();
    }

    private void onForwardTsn(SctpForwardTsnChunk fwd) {
        counters.forwardTsnsReceived.increment();
        if (receiveQueue == null) {
            return;
        }
        long newCum = receiveQueue.unwrap(fwd.newCumulativeTsn());
        receiveQueue.forward(newCum);
        reassembly.forward(newCum, fwd.streams(), this::deliver);
        sackNow = true;
    }

    private void onHeartbeat(SctpHeartbeatChunk hb) {
        if (!hb.ack()) {
            control.add(new SctpHeartbeatChunk(true, hb.info()));
            return;
        }
        counters.heartbeatAcksReceived.increment();
        if (hb.info().length == Long.BYTES) {
            rto.onMeasurement(now - Unpooled.wrappedBuffer(hb.info()).readLong());
        }
        heartbeatOutstanding = false;
        errorCount = 0;
    }

    private void onShutdown(SctpShutdownChunk s) {
        if (state == SctpState.ESTABLISHED || state == SctpState.SHUTDOWN_PENDING) {
            sendQueue.onSack(new SctpSackChunk(s.cumulativeTsnAck(), BUFFER_BYTES, List.of(), List.of()), now);
            state = SctpState.SHUTDOWN_RECEIVED;
            progressShutdown();
        } else if (state == SctpState.SHUTDOWN_SENT) { // both closing at once (§9.2)
            sendShutdownAck();
        }
    }

    private void onShutdownAck() {
        if (state == SctpState.SHUTDOWN_SENT || state == SctpState.SHUTDOWN_ACK_SENT) {
            writer.begin(peerTag);
            writer.add(new SctpShutdownCompleteChunk(false));
            writer.finish();
            close("shutdown");
        }
    }

    private void progressShutdown() {
        if (!sendQueue.drained()) {
            return;
        }
        if (state == SctpState.SHUTDOWN_PENDING) {
            state = SctpState.SHUTDOWN_SENT;
            sendShutdown();
        } else if (state == SctpState.SHUTDOWN_RECEIVED) {
            sendShutdownAck();
        }
    }

    private void sendShutdown() {
        control.add(new SctpShutdownChunk(receiveQueue.cumulativeTsn()));
        t2.start(now, rto.rtoNanos());
    }

    private void sendShutdownAck() {
        state = SctpState.SHUTDOWN_ACK_SENT;
        control.add(new SctpShutdownAckChunk());
        t2.start(now, rto.rtoNanos());
    }

    /** Runs due timers: T1 (INIT, COOKIE ECHO), T2 (SHUTDOWN), T3-rtx, delayed SACK, heartbeat. */
    public void tick(long nowNanos) {
        now = nowNanos;
        if (closed) {
            return;
        }
        if (t1.expire(now) && handshakeChunk != null) {
            if (t1.expiries() > MAX_INIT_RETRANSMISSIONS) {
                close("handshake timed out");
                return;
            }
            rto.backOff();
            sendHandshake();
        }
        if (t2.expire(now)) {
            if (++errorCount > MAX_RETRANSMISSIONS) {
                abort("shutdown timed out");
                return;
            }
            rto.backOff();
            if (state == SctpState.SHUTDOWN_SENT) {
                sendShutdown();
            } else if (state == SctpState.SHUTDOWN_ACK_SENT) {
                sendShutdownAck();
            }
        }
        if (t3.expire(now)) {
            counters.retransmitTimeouts.increment();
            if (++errorCount > MAX_RETRANSMISSIONS) {
                abort("retransmission limit reached");
                return;
            }
            rto.backOff();
            sendQueue.onRetransmitTimeout();
            forwardTsnDue |= sendQueue.forwardTsn() != null;
        }
        if (delayedSack.expire(now)) {
            sackNow = true;
        }
        if (heartbeat.expire(now) && state == SctpState.ESTABLISHED) {
            if (heartbeatOutstanding && ++errorCount > MAX_RETRANSMISSIONS) {
                abort("peer unreachable (heartbeat)");
                return;
            }
            byte[] info = new byte[Long.BYTES];
            Unpooled.wrappedBuffer(info).setLong(0, now);
            control.add(new SctpHeartbeatChunk(false, info));
            counters.heartbeatsSent.increment();
            heartbeatOutstanding = true;
            heartbeat.start(now, HEARTBEAT_INTERVAL_NANOS + rto.rtoNanos());
        }
        flush();
    }

    /**
     * Queues one user message, fragmenting it into DATA chunks of at most {@value SctpSendQueue#MAX_FRAGMENT}
     * bytes. False when not established, when {@code len} is 0 (SCTP cannot carry empty messages: DCEP uses PPIDs
     * 56/57 with one byte) or when the send buffer ({@link #BUFFER_BYTES}) is full. Copies the data.
     *
     * @param maxRetransmits -1 for reliable delivery, otherwise retransmissions allowed before abandoning
     */
    public boolean send(int streamId, int ppid, byte[] data, int off, int len, boolean ordered, int maxRetransmits) {
        if (state != SctpState.ESTABLISHED || len <= 0 || streamId < 0 || streamId >= STREAMS) {
            return false;
        }
        if (!sendQueue.enqueue(streamId, ppid, data, off, len, ordered, maxRetransmits)) {
            return false;
        }
        counters.messagesSent.increment();
        flush();
        return true;
    }

    /** Graceful close (RFC 4960 §9.2): queued data is delivered first, then SHUTDOWN. */
    public void shutdown(long nowNanos) {
        now = nowNanos;
        if (state == SctpState.ESTABLISHED) {
            state = SctpState.SHUTDOWN_PENDING;
            progressShutdown();
            flush();
        } else if (state == SctpState.COOKIE_WAIT || state == SctpState.COOKIE_ECHOED) {
            close("shutdown before established");
        }
    }

    /** Ends the association at once, telling the peer with ABORT (User-Initiated Abort, §3.3.10.12). */
    public void abort(String reason) {
        if (closed) {
            return;
        }
        if (peerTag != 0) {
            writer.begin(peerTag);
            writer.add(new SctpAbortChunk(false,
                    List.of(SctpErrorCause.text(SctpErrorCause.USER_INITIATED_ABORT, reason))));
            writer.finish();
        }
        close(reason);
    }

    private void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        state = SctpState.CLOSED;
        t1.stop();
        t2.stop();
        t3.stop();
        delayedSack.stop();
        heartbeat.stop();
        control.clear();
        listener.onClosed(reason);
    }

    /** Sends owed control chunks, then as much DATA as the windows allow, bundled. */
    private void flush() {
        if (closed) {
            return;
        }
        writer.begin(peerTag);
        for (SctpChunk c : control) {
            writer.add(c);
        }
        control.clear();
        if (delayedSack.running() && sendQueue != null && sendQueue.hasPending()) {
            sackNow = true; // bundle the owed SACK with outgoing DATA (§6.2)
        }
        if (receiveQueue != null && sackNow) {
            writer.add(receiveQueue.sack(Math.max(0, BUFFER_BYTES - reassembly.bufferedBytes())));
            sackNow = false;
            packetsSinceSack = 0;
            delayedSack.stop();
        }
        if (sendQueue != null && forwardTsnDue) {
            SctpForwardTsnChunk fwd = sendQueue.forwardTsn();
            if (fwd != null) {
                writer.add(fwd);
                counters.forwardTsnsSent.increment();
                if (!t3.running()) {
                    t3.start(now, rto.rtoNanos());
                }
            }
            forwardTsnDue = false;
        }
        boolean dataMayFlow = state.acceptsData() || state == SctpState.SHUTDOWN_RECEIVED;
        if (sendQueue != null && dataMayFlow) {
            while (sendQueue.hasPending()) {
                SctpDataChunk d = sendQueue.poll(writer.room(), now);
                if (d == null && writer.room() < SctpPacketWriter.MAX_PACKET - SctpPacket.HEADER_SIZE) {
                    writer.finish(); // full packet: try again in a fresh one
                    d = sendQueue.poll(writer.room(), now);
                }
                if (d == null) {
                    break;
                }
                writer.add(d);
                if (!t3.running()) {
                    t3.start(now, rto.rtoNanos());
                }
            }
        }
        writer.finish();
    }

    /** A snapshot of counters and state. Thread-safe (the non-counter fields are read racily). */
    public SctpStats stats() {
        SctpSendQueue sq = sendQueue;
        SctpReceiveQueue rq = receiveQueue;
        SctpCounters c = counters;
        return new SctpStats(state, c.packetsReceived.sum(), c.packetsSent.sum(), c.badChecksums.sum(),
                c.malformedPackets.sum(), c.badVerificationTags.sum(), c.unknownChunks.sum(), c.dataChunksSent.sum(),
                c.dataChunksReceived.sum(), c.duplicateTsns.sum(), c.outOfWindowTsns.sum(), c.retransmissions.sum(),
                c.fastRetransmits.sum(), c.retransmitTimeouts.sum(), c.staleSacks.sum(), c.abandonedMessages.sum(),
                c.forwardTsnsSent.sum(), c.forwardTsnsReceived.sum(), c.messagesSent.sum(),
                c.messagesDelivered.sum(), c.heartbeatsSent.sum(), c.heartbeatAcksReceived.sum(),
                rq == null ? 0 : rq.cumulativeTsn(), sq == null ? 0 : sq.cumulativeAck(),
                sq == null ? 0 : sq.lastAssignedTsn(), TimeUnit.NANOSECONDS.toMillis(rto.rtoNanos()),
                sq == null ? 0 : sq.cwnd(), sq == null ? 0 : sq.bufferedBytes());
    }

    /** Current state; readable from any thread. */
    public SctpState state() {
        return state;
    }
}
