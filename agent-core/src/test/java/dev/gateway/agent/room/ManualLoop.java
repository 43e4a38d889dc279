package dev.gateway.agent.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link CallLoop} whose time moves only when a test says so; tasks run on the test's thread. Not thread-safe. */
final class ManualLoop implements CallLoop {
    private final List<Task> tasks = new ArrayList<>();
    private long now = 1_000_000_000L;
    private long order;

    private final class Task implements Timer {
        long due;
        long seq = order++;
        final Runnable run;
        final long period;
        boolean cancelled;

        Task(long due, Runnable run, long period) {
            this.due = due;
            this.run = run;
            this.period = period;
        }

        @Override
        public void cancel() {
            cancelled = true;
            tasks.remove(this);
        }
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(new Task(now, task, 0));
    }

    @Override
    public Timer schedule(Runnable task, long delayMillis) {
        Task t = new Task(now + delayMillis * 1_000_000L, task, 0);
        tasks.add(t);
        return t;
    }

    @Override
    public Timer every(Runnable task, long periodMillis) {
        long period = periodMillis * 1_000_000L;
        Task t = new Task(now + period, task, period);
        tasks.add(t);
        return t;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Runs what is due now, including what those tasks queue for now. */
    void runPending() {
        advanceMillis(0);
    }

    /** Moves time forward, running every task that falls due on the way, in time order. */
    void advanceMillis(long millis) {
        long end = now + millis * 1_000_000L;
        while (true) {
            Task next = tasks.stream().filter(t -> t.due <= end)
                    .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.seq)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.due);
            if (next.period > 0) {
                next.due += next.period;
                next.seq = order++;
                tasks.add(next);
            }
            next.run.run();
        }
        now = end;
    }

    /** Repeating timers still queued. */
    int periodic() {
        return (int) tasks.stream().filter(t -> t.period > 0).count();
    }

    /** Timers and tasks still queued. */
    int queued() {
        return tasks.size();
    }
}
