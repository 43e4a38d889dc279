package dev.gateway.sip.signalling;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The SIP side's own threads: every SIP message a call sends (1xx/2xx, BYE, CANCEL, ACK, REFER, UPDATE, answers to
 * re-INVITEs and NOTIFYs) is built and sent here, never on a media event loop, because JAIN-SIP may resolve names
 * or connect TCP while sending. Two threads and a bounded queue: when the queue is full {@link #execute} throws
 * {@link RejectedExecutionException} and the call that asked ends locally.
 *
 * <p>Threading: thread-safe. {@link #start()} creates the threads, {@link #stop()} ends them.
 */
public final class SipExecutor implements Executor {
    /** Threads: SIP sends are short, but a TCP connect may block one for a while. */
    static final int THREADS = 2;
    /** Tasks waiting at most; about 4 per call set-up, so this bounds a burst of ~250 new calls. */
    static final int QUEUE = 1024;

    private final LongAdder rejected = new LongAdder();
    private volatile ThreadPoolExecutor pool;

    public synchronized void start() {
        if (pool != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "sip-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Lets queued sends finish for up to {@code millis}, then stops. */
    public synchronized void stop(long millis) {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
        pool = null;
    }

    /** @throws RejectedExecutionException when the queue is full or the executor is not running */
    @Override
    public void execute(Runnable task) {
        ThreadPoolExecutor p = pool;
        if (p == null) {
            rejected.increment();
            throw new RejectedExecutionException("SIP executor not running");
        }
        try {
            p.execute(task);
        } catch (RejectedExecutionException e) {
            rejected.increment();
            throw e;
        }
    }

    /** Tasks refused since start (queue full or stopped). */
    public long rejected() {
        return rejected.sum();
    }
}
