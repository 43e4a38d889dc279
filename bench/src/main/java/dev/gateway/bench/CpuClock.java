package dev.gateway.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the benchmark thread per operation, next to wall time, for runs on a shared machine: JMH's
 * average time is wall time, so when other processes take the core it grows with them; the thread's own CPU time
 * barely does. A benchmark calls {@link #start} in an iteration set-up and {@link #report} in its tear-down with
 * the operations it counted; the line goes to the forked VM's stdout, which JMH shows in its log.
 *
 * <p>Not a replacement for the JMH score: it includes the benchmark loop's own overhead and is only read twice
 * per iteration. The ratio {@code cpu / wall} is the share of a core the thread got.
 */
public final class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long cpu0;
    private long wall0;

    /** Marks the start of an iteration (call from the benchmark thread, e.g. {@code @Setup(Level.Iteration)}). */
    public void start() {
        cpu0 = THREADS.getCurrentThreadCpuTime();
        wall0 = System.nanoTime();
    }

    /** Prints CPU and wall ns per operation since {@link #start}; call from the same thread. */
    public void report(String what, long operations) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        if (operations > 0 && cpu >= 0) {
            System.out.printf("cpu-clock %s: %.0f cpu ns/op, %.0f wall ns/op, %d ops, %.0f %% of a core%n", what,
                    (double) cpu / operations, (double) wall / operations, operations, 100.0 * cpu / wall);
        }
    }
}
