package dev.gateway.sip.call;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** The SIP side's executor for tests: tasks wait until the test runs them on its own thread, or are refused. */
final class FakeSipExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    volatile boolean refuse;

    @Override
    public synchronized void execute(Runnable task) {
        if (refuse) {
            throw new RejectedExecutionException("test executor refuses");
        }
        tasks.add(task);
    }

    /** Runs what is queued (and what that queues) on the calling thread; returns how many ran. */
    int runAll() {
        int n = 0;
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
            }
            if (next == null) {
                return n;
            }
            next.run();
            n++;
        }
    }
}
