package dev.gateway.sip.metrics;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The process's CPU use as a fraction of every core (0..1), averaged over the time since the previous sample and
 * sampled at most once per {@link #MIN_INTERVAL_NANOS}: a readiness probe every few seconds sees the average since
 * the last probe. Read from the JVM's process CPU time, so it is the gateway's own load, not the machine's.
 *
 * <p>Thread-safe, lock-free; a read within the interval allocates nothing. Both clocks are injected.
 */
public final class CpuLoad {
    /** Samples closer than this reuse the previous figure (a short window is all noise). */
    static final long MIN_INTERVAL_NANOS = 1_000_000_000L;

    private final LongSupplier cpuNanos;
    private final LongSupplier wallNanos;
    private final int cores;
    private final AtomicReference<Sample> last;

    private record Sample(long cpu, long wall, double fraction) {
    }

    /**
     * @param cpuNanos  the process's CPU time so far, ns, or a negative value when unknown
     * @param wallNanos a monotonic clock, ns
     * @param cores     processors the load is shared by
     */
    public CpuLoad(LongSupplier cpuNanos, LongSupplier wallNanos, int cores) {
        this.cpuNanos = cpuNanos;
        this.wallNanos = wallNanos;
        this.cores = Math.max(1, cores);
        this.last = new AtomicReference<>(new Sample(cpuNanos.getAsLong(), wallNanos.getAsLong(), 0));
    }

    /** This JVM's CPU time and processor count. */
    public static CpuLoad ofThisProcess() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        LongSupplier cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun::getProcessCpuTime : () -> -1;
        return new CpuLoad(cpu, System::nanoTime, Runtime.getRuntime().availableProcessors());
    }

    /** The fraction of all cores used since the previous sample, 0..1 (0 when the CPU time is unknown). */
    public double fraction() {
        Sample prev = last.get();
        long wall = wallNanos.getAsLong();
        if (wall - prev.wall < MIN_INTERVAL_NANOS) {
            return prev.fraction;
        }
        long cpu = cpuNanos.getAsLong();
        double f = cpu < 0 || prev.cpu < 0 ? 0
                : Math.max(0, Math.min(1, (double) (cpu - prev.cpu) / ((double) (wall - prev.wall) * cores)));
        Sample next = new Sample(cpu, wall, f);
        return last.compareAndSet(prev, next) ? f : last.get().fraction;
    }
}
