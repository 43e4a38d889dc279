package dev.gateway.media.webrtc.dtls;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS 1.2 association with {@code use_srtp} (RFC 5764) over BouncyCastle's blocking API.
 *
 * <p>Threading: {@link #onDatagram} is called on the event loop and never blocks (it copies into a bounded queue,
 * drops when full and counts it). The handshake runs on the given executor, a small bounded pool owned by the
 * caller. Listener callbacks and {@link Sender#send} are invoked from pool threads (callers hop to their loop);
 * {@link Sender#send} is also called from the thread calling {@link #send} or {@link #close}. No callback is
 * invoked after {@link #close()} returns except one already running.
 *
 * <p>Receive model after the handshake: the handshake task returns its pool thread as soon as keys are exported. Each
 * later burst of datagrams schedules one short drain task on the drain executor (the handshake pool unless another
 * is given; a transport gives its event loop, so that data-channel set-up never queues behind other calls'
 * handshakes, and sends and receives of one association run on one thread) that decrypts what is queued, hands
 * application data (SCTP, later) to {@link Listener#onApplicationData} and ends when the queue is empty; at most one
 * drain task per session runs at a time, so callbacks of a session never overlap. The pool therefore needs one
 * thread per handshake in progress (each blocks up to {@link #HANDSHAKE_TIMEOUT_MILLIS}) plus headroom for drain
 * tasks, not one per live session. SRTP never comes here: RFC 7983 demultiplexing sends only first bytes 20..63.
 */
public final class DtlsSession implements AutoCloseable {

    /** Where encrypted datagrams go: the ICE-selected socket and peer address. Must be thread-safe. */
    public interface Sender {
        /** Sends one datagram; must copy {@code datagram[offset, offset+length)} if it keeps it. */
        void send(byte[] datagram, int offset, int length);
    }

    /** Outcome of the session. Called from pool threads; implementations hop to their own loop. */
    public interface Listener {
        /** The handshake task got its pool thread (called on it, before any datagram is read). */
        default void onHandshakeRunning() {
        }

        /** The handshake finished, the peer's fingerprint matched, SRTP keys are ready. Called at most once. */
        void onConnected(SrtpKeyMaterial keys);

        /** The handshake failed (timeout, fingerprint, SRTP profile, alert); called at most once, never after close. */
        void onFailed(String reason);

        /** Decrypted application data; {@code data} is reused after return, copy what you keep. */
        default void onApplicationData(byte[] data, int off, int len) {
        }

        /** After {@link #onConnected}: the peer sent close_notify or a fatal alert; not called for our own close(). */
        default void onClosed(String reason) {
        }
    }

    /** Whole-handshake limit, retransmissions included; BC gives up with a timeout after it. */
    public static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Datagrams buffered between the event loop and BC; a handshake flight is a handful, 64 leaves headroom. */
    static final int QUEUE_CAPACITY = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { NEW, HANDSHAKING, CONNECTED, FAILED, CLOSED }

    private final DtlsRole role;
    private final DtlsCertificate local;
    private final String expectedRemoteFingerprint;
    private final Executor executor;
    private final Executor drainExecutor;
    private final Listener listener;
    private final int handshakeTimeoutMillis;
    private final DatagramQueueTransport transport;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder rejectedDrains = new LongAdder();
    /** Set once by the handshake thread before {@link #drainEnabled}; read by drain tasks and {@link #send}. */
    private volatile DTLSTransport dtls;
    /** True once onConnected has returned: from then on datagrams schedule drain tasks. */
    private volatile boolean drainEnabled;
    /** Decrypted application data; used by one drain task at a time (ordered by {@link #drainScheduled}). */
    private final byte[] plaintext = new byte[DatagramQueueTransport.RECEIVE_LIMIT];

    /**
     * @param expectedRemoteFingerprint the peer's {@code a=fingerprint:sha-256} value from SDP ("AB:CD:..."),
     *                                  compared case-insensitively
     * @param handshakeExecutor         bounded pool owned by the caller; see the class comment for sizing
     */
    public DtlsSession(DtlsRole role, DtlsCertificate local, String expectedRemoteFingerprint, Executor handshakeExecutor,
            Sender sender, Listener listener) {
        this(role, local, expectedRemoteFingerprint, handshakeExecutor, handshakeExecutor, sender, listener,
                HANDSHAKE_TIMEOUT_MILLIS);
    }

    /**
     * As above, with the drain tasks after the handshake on {@code drainExecutor}: short, never blocking (an empty
     * queue ends them), one at a time per session; an event loop may be given.
     */
    public DtlsSession(DtlsRole role, DtlsCertificate local, String expectedRemoteFingerprint, Executor handshakeExecutor,
            Executor drainExecutor, Sender sender, Listener listener) {
        this(role, local, expectedRemoteFingerprint, handshakeExecutor, drainExecutor, sender, listener,
                HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** As above with another handshake limit; tests use a short one. */
    DtlsSession(DtlsRole role, DtlsCertificate local, String expectedRemoteFingerprint, Executor handshakeExecutor,
            Sender sender, Listener listener, int handshakeTimeoutMillis) {
        this(role, local, expectedRemoteFingerprint, handshakeExecutor, handshakeExecutor, sender, listener,
                handshakeTimeoutMillis);
    }

    private DtlsSession(DtlsRole role, DtlsCertificate local, String expectedRemoteFingerprint,
            Executor handshakeExecutor, Executor drainExecutor, Sender sender, Listener listener,
            int handshakeTimeoutMillis) {
        this.role = Objects.requireNonNull(role, "role");
        this.local = Objects.requireNonNull(local, "local");
        this.expectedRemoteFingerprint = Objects.requireNonNull(expectedRemoteFingerprint, "expectedRemoteFingerprint");
        this.executor = Objects.requireNonNull(handshakeExecutor, "handshakeExecutor");
        this.drainExecutor = Objects.requireNonNull(drainExecutor, "drainExecutor");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.transport = new DatagramQueueTransport(QUEUE_CAPACITY, Objects.requireNonNull(sender, "sender"));
    }

    /**
     * Submits the blocking handshake to the executor. A CLIENT sends its ClientHello at once, so start it only when
     * ICE has a selected pair. If the executor rejects the task, {@link Listener#onFailed} runs on this thread.
     */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.HANDSHAKING)) {
            throw new IllegalStateException("DTLS session already started or closed: " + state.get());
        }
        try {
            executor.execute(this::handshake);
        } catch (RejectedExecutionException e) {
            fail("DTLS handshake pool rejected the session (pool full or shut down)");
        }
    }

    /**
     * A DTLS datagram from the socket (RFC 7983: first byte 20..63). Copies the readable bytes without moving the
     * reader index; the caller keeps ownership of {@code record} and releases it. Never blocks.
     */
    public void onDatagram(ByteBuf record) {
        State s = state.get();
        if (s == State.FAILED || s == State.CLOSED) {
            return;
        }
        byte[] copy = new byte[record.readableBytes()];
        record.getBytes(record.readerIndex(), copy);
        if (transport.offer(copy) && drainEnabled) {
            scheduleDrain();
        }
    }

    public boolean isConnected() {
        return state.get() == State.CONNECTED;
    }

    /**
     * Sends application data (SCTP, later) as one DTLS record through the caller's thread. Encrypts with BC here.
     *
     * @return false if not connected or the transport failed
     * @throws IllegalArgumentException if {@code len} exceeds one record's plaintext limit
     */
    public boolean send(byte[] data, int off, int len) {
        DTLSTransport t = dtls;
        if (t == null || state.get() != State.CONNECTED) {
            return false;
        }
        try {
            int limit = t.getSendLimit();
            if (len > limit) {
                throw new IllegalArgumentException("DTLS record plaintext limit is " + limit + " bytes, got " + len);
            }
            t.send(data, off, len);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Datagrams dropped because the receive queue was full. */
    public long droppedDatagrams() {
        return transport.dropped();
    }

    /** Drain tasks the executor refused; the queued datagrams wait for the next arrival. */
    public long rejectedDrains() {
        return rejectedDrains.sum();
    }

    /**
     * Sends close_notify if connected and closes the transport, which wakes a handshake blocked in BC so its pool
     * thread is freed. Idempotent; no onFailed follows.
     */
    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        DTLSTransport t = dtls;
        if (previous == State.CONNECTED && t != null) {
            try {
                t.close(); // close_notify through our Sender, then transport.close()
            } catch (IOException e) {
                // the peer will learn from the missing consent checks instead
            }
        }
        transport.close();
    }

    private void handshake() {
        DTLSTransport connected;
        SrtpKeyMaterial keys;
        listener.onHandshakeRunning();
        try {
            BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
            if (role == DtlsRole.CLIENT) {
                DtlsClientPeer peer = new DtlsClientPeer(crypto, local, expectedRemoteFingerprint, handshakeTimeoutMillis);
                connected = new DTLSClientProtocol().connect(peer, transport);
                keys = peer.srtpKeys();
            } else {
                DtlsServerPeer peer = new DtlsServerPeer(crypto, local, expectedRemoteFingerprint, handshakeTimeoutMillis);
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                protocol.setVerifyRequests(false); // ICE already proved the peer's address; skip the cookie round trip
                connected = protocol.accept(peer, transport);
                keys = peer.srtpKeys();
            }
        } catch (IOException | RuntimeException e) {
            fail(reasonOf(e));
            return;
        }
        transport.switchToNonBlocking();
        dtls = connected;
        if (!state.compareAndSet(State.HANDSHAKING, State.CONNECTED)) {
            closeQuietly(connected); // close() raced the end of the handshake
            return;
        }
        listener.onConnected(keys);
        drainEnabled = true;
        scheduleDrain(); // records that arrived during onConnected, or came in the same datagram as Finished
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                drainExecutor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                rejectedDrains.increment();
            }
        }
    }

    /** Decrypts everything queued; loops again if a datagram arrived while it was finishing. */
    private void drain() {
        do {
            try {
                while (state.get() == State.CONNECTED) {
                    // waitMillis 1: BC treats 0 as "forever"; the empty queue ends the read with Drained anyway.
                    int n = dtls.receive(plaintext, 0, plaintext.length, 1);
                    if (n > 0) {
                        listener.onApplicationData(plaintext, 0, n);
                    }
                }
            } catch (DatagramQueueTransport.Drained e) {
                // queue empty: give the thread back
            } catch (IOException | RuntimeException e) {
                peerClosed(e);
            } finally {
                drainScheduled.set(false);
            }
        } while (state.get() == State.CONNECTED && transport.hasQueued() && drainScheduled.compareAndSet(false, true));
    }

    private void peerClosed(Exception e) {
        if (state.compareAndSet(State.CONNECTED, State.CLOSED)) {
            transport.close();
            String reason = e instanceof DatagramQueueTransport.Closed
                    ? "DTLS peer sent close_notify"
                    : reasonOf(e);
            listener.onClosed(reason);
        }
    }

    private void fail(String reason) {
        if (state.compareAndSet(State.HANDSHAKING, State.FAILED)) {
            transport.close();
            listener.onFailed(reason);
        }
    }

    /** A failure as one line: our own refusal verbatim, otherwise what BC reported. */
    static String reasonOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DtlsException refusal) {
                return refusal.reason();
            }
        }
        if (e instanceof TlsTimeoutException) {
            return "DTLS handshake timed out";
        }
        if (e instanceof TlsFatalAlertReceived received) {
            return "DTLS peer sent fatal alert " + AlertDescription.getText(received.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert alert) {
            return "DTLS failed with alert " + alert.getMessage();
        }
        return "DTLS failed: " + e;
    }

    private static void closeQuietly(DTLSTransport t) {
        try {
            t.close();
        } catch (IOException e) {
            // nothing to report: the session is already closed
        }
    }

    @Override
    public String toString() {
        return "DtlsSession[" + role + ", " + state.get() + "]";
    }
}
