package dev.gateway.media.webrtc.dtls;

import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.tls.DatagramTransport;

/**
 * BouncyCastle's view of the socket: datagrams pushed by the event loop into a bounded queue, pulled by BC on a
 * pool thread; sends go straight to the session's {@link DtlsSession.Sender}.
 *
 * <p>Two read modes. While handshaking, {@link #receive} blocks up to BC's {@code waitMillis} (BC drives its
 * retransmission timers with that). After the handshake the session switches to non-blocking mode: an empty queue
 * throws {@link Drained}, an {@link InterruptedIOException} that BC's record layer and {@code DTLSTransport} pass
 * through without failing the connection, so a drain task can decrypt whatever is queued and return its thread.
 * Once closed, {@link #receive} throws {@link Closed} and sends are dropped.
 *
 * <p>Thread-safe: {@link #offer} from the event loop, everything else from whichever thread BC runs on.
 */
final class DatagramQueueTransport implements DatagramTransport {

    /** Largest datagram BC is asked to read; pion sends at most 1200-byte records, 1500 covers Ethernet MTU. */
    static final int RECEIVE_LIMIT = 1500;
    /** Largest datagram we send: 1200 fits any path a WebRTC peer uses (pion's default MTU too). */
    static final int SEND_LIMIT = 1200;

    /** Non-blocking mode found the queue empty; nothing is wrong. */
    static final class Drained extends InterruptedIOException {
        Drained() {
            super("no queued DTLS datagram");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The transport was closed (by us, or by BC after close_notify or a fatal alert). */
    static final class Closed extends InterruptedIOException {
        Closed() {
            super("DTLS transport closed");
        }
    }

    /** Queued after close to wake a blocked {@link #receive}; compared by identity. */
    private static final byte[] CLOSE_MARK = new byte[0];

    private final ArrayBlockingQueue<byte[]> queue;
    private final DtlsSession.Sender sender;
    private final LongAdder dropped = new LongAdder();
    private volatile boolean nonBlocking;
    private volatile boolean closed;

    DatagramQueueTransport(int capacity, DtlsSession.Sender sender) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = sender;
    }

    /** Queues one datagram (ownership of the array passes here). @return false if closed or full (counted) */
    boolean offer(byte[] datagram) {
        if (closed) {
            return false;
        }
        if (!queue.offer(datagram)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    /** After the handshake: an empty queue ends a read with {@link Drained} instead of waiting. */
    void switchToNonBlocking() {
        nonBlocking = true;
    }

    boolean hasQueued() {
        return !queue.isEmpty();
    }

    boolean isClosed() {
        return closed;
    }

    /** Datagrams dropped because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    /** @return bytes copied into {@code buf}, or -1 when {@code waitMillis} passed with nothing queued */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws InterruptedIOException {
        if (closed) {
            throw new Closed();
        }
        byte[] datagram;
        if (nonBlocking) {
            datagram = queue.poll();
            if (datagram == null) {
                throw new Drained();
            }
        } else {
            try {
                datagram = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a DTLS datagram");
            }
            if (datagram == null) {
                return -1;
            }
        }
        if (datagram == CLOSE_MARK || closed) {
            throw new Closed();
        }
        // A datagram longer than BC asked for is cut short; BC then discards the malformed record.
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (!closed) {
            sender.send(buf, off, len);
        }
    }

    /** Idempotent; wakes a reader blocked in {@link #receive}. BC calls it after sending close_notify or an alert. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        while (!queue.offer(CLOSE_MARK)) {
            queue.poll(); // a late offer() raced the clear; make room so the mark lands
        }
    }
}
