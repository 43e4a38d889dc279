package dev.gateway.media.webrtc.sctp;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One SCTP association over DTLS (RFC 8261): the four-way handshake (RFC 4960 §5), reliable and partially
 * reliable (RFC 3758) data transfer, heartbeats, graceful shutdown and abort. This class is the coordinator: it
 * decodes packets, routes chunks and owns the user-facing API and the end of the association. The parts share the
 * association's {@link SctpTcb}: {@link SctpHandshake} (INIT to COOKIE ACK, tag checks), {@link SctpShutdownSequence}
 * (SHUTDOWN to SHUTDOWN COMPLETE), {@link SctpTimeouts} (what {@link #tick} runs), {@link SctpBundler} (what each
 * flush sends, in which order), over {@link SctpSendQueue}, {@link SctpReceiveQueue}, {@link SctpReassembly},
 * {@link SctpRto}, {@link SctpTimer}s and {@link SctpCounters}.
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

    private final Listener listener;
    private final SctpTcb tcb;
    private final SctpBundler bundler;
    private final SctpHandshake handshake;
    private final SctpShutdownSequence shutdownSequence;
    private final SctpTimeouts timeouts;

    public SctpAssociation(boolean client, int localPort, int remotePort, Output out, Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(out, "out");
        SecureRandom random = new SecureRandom();
        this.tcb = new SctpTcb(random);
        this.bundler = new SctpBundler(tcb, new SctpPacketWriter(localPort, remotePort, out, tcb.counters));
        this.handshake = new SctpHandshake(client, tcb, bundler, listener, random);
        this.shutdownSequence = new SctpShutdownSequence(tcb, bundler, this);
        this.timeouts = new SctpTimeouts(tcb, bundler, handshake, shutdownSequence, this);
    }

    /** Starts the association: the DTLS client sends INIT; the server waits for one. */
    public void start(long nowNanos) {
        tcb.now = nowNanos;
        handshake.start();
    }

    /** One decrypted DTLS application-data record: an SCTP packet (RFC 8261 §4). */
    public void onPacket(byte[] data, int off, int len, long nowNanos) {
        tcb.now = nowNanos;
        SctpCounters counters = tcb.counters;
        counters.packetsReceived.increment();
        SctpDecoded decoded = SctpPacketCodec.decode(data, off, len);
        if (!decoded.ok()) {
            (decoded.result() == SctpParseResult.BAD_CHECKSUM ? counters.badChecksums : counters.malformedPackets)
                    .increment();
            return;
        }
        SctpPacket packet = decoded.packet();
        if (!handshake.tagAcceptable(packet)) {
            counters.badVerificationTags.increment();
            return;
        }
        boolean sawData = false;
        for (SctpChunk chunk : packet.chunks()) {
            if (tcb.closed) {
                return;
            }
            if (chunk instanceof SctpDataChunk d) {
                sawData = true;
                onData(d);
            } else if (chunk instanceof SctpUnknownChunk u) {
                counters.unknownChunks.increment();
                if (u.action().reports()) {
                    bundler.owe(new SctpErrorChunk(List.of(
                            new SctpErrorCause(SctpErrorCause.UNRECOGNIZED_CHUNK_TYPE, u.wireBytes()))));
                }
                if (u.action().stops()) {
                    break;
                }
            } else {
                onControl(chunk);
            }
        }
        if (sawData && tcb.receiveQueue != null) {   // DATA before the cookie: counted and dropped in onData
            bundler.onDataPacket();
        }
        bundler.flush();
    }

    private void onControl(SctpChunk chunk) {
        if (chunk instanceof SctpInitChunk init) {
            if (init.ack()) {
                handshake.onInitAck(init);
            } else {
                handshake.onInit(init);
            }
        } else if (chunk instanceof SctpCookieEchoChunk echo) {
            handshake.onCookieEcho(echo);
        } else if (chunk instanceof SctpCookieAckChunk) {
            handshake.onCookieAck();
        } else if (chunk instanceof SctpSackChunk sack) {
            onSack(sack);
        } else if (chunk instanceof SctpForwardTsnChunk fwd) {
            onForwardTsn(fwd);
        } else if (chunk instanceof SctpHeartbeatChunk hb) {
            if (hb.ack()) {
                timeouts.onHeartbeatAck(hb.info());
            } else {
                bundler.owe(new SctpHeartbeatChunk(true, hb.info()));
            }
        } else if (chunk instanceof SctpAbortChunk abort) {
            String why = abort.causes().isEmpty() ? "" : ": " + abort.causes().get(0).infoText();
            close("aborted by peer" + why);
        } else if (chunk instanceof SctpShutdownChunk s) {
            shutdownSequence.onShutdown(s);
        } else if (chunk instanceof SctpShutdownAckChunk) {
            shutdownSequence.onShutdownAck();
        } else if (chunk instanceof SctpShutdownCompleteChunk) {
            shutdownSequence.onShutdownComplete();
        }
        // ERROR: counted as a chunk received; nothing we send depends on the peer's complaints
    }

    private void onData(SctpDataChunk d) {
        tcb.counters.dataChunksReceived.increment();
        if (tcb.receiveQueue == null || !tcb.state.acceptsData()) {
            return;
        }
        long tsn = tcb.receiveQueue.unwrap(d.tsn());
        switch (tcb.receiveQueue.receive(tsn)) {
            case NEW -> tcb.reassembly.add(tsn, d, this::deliver);
            case DUPLICATE -> {
                tcb.counters.duplicateTsns.increment();
                bundler.sackNow(); // §6.2: report duplicates at once
            }
            case OUT_OF_WINDOW -> tcb.counters.outOfWindowTsns.increment();
        }
    }

    private void deliver(int streamId, int ppid, byte[] data) {
        tcb.counters.messagesDelivered.increment();
        listener.onMessage(streamId, ppid, data, 0, data.length);
    }

    private void onSack(SctpSackChunk sack) {
        if (tcb.sendQueue == null) {
            return;
        }
        SctpSendQueue.SackOutcome outcome = tcb.sendQueue.onSack(sack, tcb.now);
        tcb.rto.onMeasurement(outcome.rttSampleNanos());
        if (outcome.cumulativeAdvanced()) {
            tcb.errorCount = 0;
            tcb.t3.stop(); // restarted below or by the next transmission (§6.3.2 R3)
        }
        if (!tcb.sendQueue.awaitingAck()) {
            tcb.t3.stop();
        } else if (!tcb.t3.running()) {
            tcb.t3.start(tcb.now, tcb.rto.rtoNanos());
        }
        bundler.checkForwardTsn();
        shutdownSequence.progress();
    }

    private void onForwardTsn(SctpForwardTsnChunk fwd) {
        tcb.counters.forwardTsnsReceived.increment();
        if (tcb.receiveQueue == null) {
            return;
        }
        long newCum = tcb.receiveQueue.unwrap(fwd.newCumulativeTsn());
        tcb.receiveQueue.forward(newCum);
        tcb.reassembly.forward(newCum, fwd.streams(), this::deliver);
        bundler.sackNow();
    }

    /** Runs due timers: T1 (INIT, COOKIE ECHO), T2 (SHUTDOWN), T3-rtx, delayed SACK, heartbeat. */
    public void tick(long nowNanos) {
        tcb.now = nowNanos;
        if (tcb.closed) {
            return;
        }
        timeouts.run();
        bundler.flush();
    }

    /**
     * Queues one user message, fragmenting it into DATA chunks of at most {@value SctpSendQueue#MAX_FRAGMENT}
     * bytes. False when not established, when {@code len} is 0 (SCTP cannot carry empty messages: DCEP uses PPIDs
     * 56/57 with one byte) or when the send buffer ({@link #BUFFER_BYTES}) is full. Copies the data.
     *
     * @param maxRetransmits -1 for reliable delivery, otherwise retransmissions allowed before abandoning
     */
    public boolean send(int streamId, int ppid, byte[] data, int off, int len, boolean ordered, int maxRetransmits) {
        if (tcb.state != SctpState.ESTABLISHED || len <= 0 || streamId < 0 || streamId >= STREAMS) {
            return false;
        }
        if (!tcb.sendQueue.enqueue(streamId, ppid, data, off, len, ordered, maxRetransmits)) {
            return false;
        }
        tcb.counters.messagesSent.increment();
        bundler.flush();
        return true;
    }

    /** Graceful close (RFC 4960 §9.2): queued data is delivered first, then SHUTDOWN. */
    public void shutdown(long nowNanos) {
        tcb.now = nowNanos;
        if (tcb.state == SctpState.ESTABLISHED) {
            shutdownSequence.begin();
            bundler.flush();
        } else if (tcb.state == SctpState.COOKIE_WAIT || tcb.state == SctpState.COOKIE_ECHOED) {
            close("shutdown before established");
        }
    }

    /** Ends the association at once, telling the peer with ABORT (User-Initiated Abort, §3.3.10.12). */
    public void abort(String reason) {
        if (tcb.closed) {
            return;
        }
        if (tcb.peerTag != 0) {
            bundler.sendAlone(tcb.peerTag, new SctpAbortChunk(false,
                    List.of(SctpErrorCause.text(SctpErrorCause.USER_INITIATED_ABORT, reason))));
        }
        close(reason);
    }

    /** Ends the association without telling the peer: timers stop, owed chunks are dropped, the listener hears once. */
    void close(String reason) {
        if (tcb.closed) {
            return;
        }
        tcb.closed = true;
        tcb.state = SctpState.CLOSED;
        tcb.t1.stop();
        tcb.t2.stop();
        tcb.t3.stop();
        tcb.delayedSack.stop();
        tcb.heartbeat.stop();
        bundler.clear();
        listener.onClosed(reason);
    }

    /** A snapshot of counters and state. Thread-safe (the non-counter fields are read racily). */
    public SctpStats stats() {
        return tcb.stats();
    }

    /** Current state; readable from any thread. */
    public SctpState state() {
        return tcb.state;
    }
}
