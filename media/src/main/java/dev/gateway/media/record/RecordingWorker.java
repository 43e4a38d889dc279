package dev.gateway.media.record;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One writer thread: every {@value #PASS_MS} ms it drains each of its recordings' rings, encodes and writes
 * (blocking file I/O lives here, never on an event loop). A recording is handed to one worker for its whole life,
 * so its ring has one consumer and its encoder one thread.
 *
 * <p>Thread-safe entry points: {@link #add} (from {@link RecordingService#start}, on a call's loop: one lock-free
 * queue insertion per recording), {@link #close} and {@link #abandon}. Everything else runs on the worker's thread.
 */
final class RecordingWorker implements Runnable {
    static final int PASS_MS = 20;

    private final ConcurrentLinkedQueue<RecordingJob> inbox = new ConcurrentLinkedQueue<>();
    private final ArrayList<RecordingJob> jobs = new ArrayList<>();
    private final short[] stereo = new short[2 * RecordingRing.N];
    private volatile boolean closing;
    private volatile String abandoned;
    private volatile Thread thread;

    void add(RecordingJob job) {
        inbox.add(job);
    }

    void start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    Thread thread() {
        return thread;
    }

    /** Stops every recording; the thread finishes their files and exits. */
    void close() {
        closing = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Past the close deadline: end every open file now with what it has, incomplete. */
    void abandon(String why) {
        abandoned = why;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Recordings handed over but never taken up by the thread (it was gone): ended as refused by the caller. */
    void drainInbox(java.util.function.Consumer<RecordingJob> leftOver) {
        for (RecordingJob j; (j = inbox.poll()) != null; ) {
            leftOver.accept(j);
        }
    }

    @Override
    public void run() {
        while (true) {
            for (RecordingJob j; (j = inbox.poll()) != null; ) {
                jobs.add(j);
            }
            boolean closingNow = closing;
            String abandon = abandoned;
            for (Iterator<RecordingJob> it = jobs.iterator(); it.hasNext(); ) {
                RecordingJob job = it.next();
                if (closingNow) {
                    job.recording().stop();
                }
                if (abandon != null) {
                    job.abandon(abandon);
                }
                if (job.pass(stereo)) {
                    it.remove();
                }
            }
            if (closingNow && jobs.isEmpty() && inbox.isEmpty()) {
                return;
            }
            LockSupport.parkNanos(PASS_MS * 1_000_000L);
        }
    }
}
