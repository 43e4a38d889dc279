package dev.gateway.sip.call;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One call's SIP sends, handed from the call's loop to the SIP side's shared executor and run there one at a time in
 * the order they were handed over (a 180 before its 200, the 200 before the BYE). A send that throws anything is
 * reported to {@link Failures#sendFailed}; a queue that is full or an executor that refuses is reported to
 * {@link Failures#refused}, and what was still waiting is dropped: the call ends locally either way.
 *
 * <p>Threading: thread-safe. {@link #submit} takes a short lock (never on the per-packet path: a call sends a handful
 * of SIP messages in its life); the actions run on the executor's threads.
 */
final class SipQueue {
    /** Sends waiting per call at most: a call never has more than a few in flight. */
    static final int MAX_PENDING = 32;

    /** Where failures go; both are called on a SIP executor thread or the submitting thread. */
    interface Failures {
        void sendFailed(String what, RuntimeException e);

        void refused(String what, String why);
    }

    private record Action(String what, Runnable run) {
    }

    private final Executor executor;
    private final Failures failures;
    private final ArrayDeque<Action> pending = new ArrayDeque<>(); // guarded by this
    private boolean scheduled;                                     // guarded by this

    SipQueue(Executor executor, Failures failures) {
        this.executor = executor;
        this.failures = failures;
    }

    /** Queues {@code action} (named {@code what} in logs) after every send handed over before. */
    void submit(String what, Runnable action) {
        synchronized (this) {
            if (pending.size() >= MAX_PENDING) {
                pending.clear();
                scheduled = false;
                failures.refused(what, MAX_PENDING + " SIP sends already waiting");
                return;
            }
            pending.add(new Action(what, action));
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule(what);
    }

    private void schedule(String what) {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                pending.clear();
                scheduled = false;
            }
            failures.refused(what, "SIP executor refused (" + e.getMessage() + ")");
        }
    }

    private void drain() {
        while (true) {
            Action next;
            synchronized (this) {
                next = pending.poll();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                next.run().run();
            } catch (RuntimeException e) {
                failures.sendFailed(next.what(), e);
            }
        }
    }
}
