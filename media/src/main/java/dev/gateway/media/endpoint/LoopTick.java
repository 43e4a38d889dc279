package dev.gateway.media.endpoint;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The 20 ms tick of one event loop: runs every participant's {@link MediaTick#pace} then {@link MediaTick#tick} once
 * per slot, at absolute slot times ({@code start + k * 20 ms}, {@link TickSlots}) so that lateness never
 * accumulates into drift.
 *
 * <p>A wake-up that comes whole slots late (the thread was starved of CPU, or the JVM was stopped for a collection
 * or a safepoint) runs the missed slots up to {@link TickSlots#MAX_CATCH_UP} and skips the rest: the phone and the
 * room get every frame of a short stall and a gap, as after a loss, for a long one. A fixed-rate schedule would
 * run every missed slot however many and, while the loop stays short of CPU, keep running behind and sending in
 * bursts; under two CPU hogs that made most inter-packet gaps towards the phone wrong by 10 ms or more
 * (bench/README.md).
 *
 * <p>Threading: confined to its event loop, except {@link #start}, {@link #cancel} and {@link #stats}, which may be
 * called from any thread ({@link #stats} reads counters written by the loop; a torn read is off by one tick at most).
 */
final class LoopTick implements Runnable {
    /** A tick later than this is reported in the log (at most once per {@link #REPORT_EVERY_NANOS}). */
    private static final long REPORT_LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EventLoop loop;
    private final LongSupplier slotClock;
    private final LongSupplier nanoClock;
    private final List<MediaTick> participants = new ArrayList<>();
    private final System.Logger log;
    private volatile ScheduledFuture<?> next;
    private volatile boolean cancelled;
    /** Set on the loop by {@link #start}; read by {@link #stats} from any thread. */
    private volatile TickSlots slots;
    private long lastReport;

    /**
     * @param slotClock monotonic real time, ns, that the slots are laid on (the event loop's scheduler runs on real
     *                  time whatever clock the media uses)
     * @param nanoClock the media's clock, ns, handed to the participants (injected: tests control it)
     */
    LoopTick(EventLoop loop, LongSupplier slotClock, LongSupplier nanoClock, System.Logger log) {
        this.loop = loop;
        this.slotClock = slotClock;
        this.nanoClock = nanoClock;
        this.log = log;
    }

    /** The participants, in tick order; loop-confined. */
    List<MediaTick> participants() {
        return participants;
    }

    void start() {
        loop.execute(() -> {
            long now = slotClock.getAsLong();
            lastReport = now - REPORT_EVERY_NANOS;
            slots = new TickSlots(now + TickSlots.SLOT_NANOS);
            schedule();
        });
    }

    void cancel() {
        cancelled = true;
        ScheduledFuture<?> f = next;
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public void run() {
        if (cancelled) {
            return;
        }
        long wake = slotClock.getAsLong();
        long skippedBefore = slots.skipped();
        int runs = slots.onWake(wake);
        long skipped = slots.skipped() - skippedBefore;
        if (skipped > 0) {
            reportLate(wake, skipped);
        }
        for (int i = 0; i < runs; i++) {
            runParticipants(nanoClock.getAsLong());
        }
        schedule();
    }

    private void schedule() {
        if (!cancelled) {
            next = loop.schedule(this, slots.delayNanos(slotClock.getAsLong()), TimeUnit.NANOSECONDS);
        }
    }

    private void runParticipants(long now) {
        for (int i = 0; i < participants.size(); i++) {
            try {
                participants.get(i).pace(now);
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.ERROR, "media pacing failed for " + participants.get(i), e);
            }
        }
        for (int i = 0; i < participants.size(); i++) {
            try {
                participants.get(i).tick(now);
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.ERROR, "media tick failed for " + participants.get(i), e);
            }
        }
    }

    private void reportLate(long now, long skipped) {
        if (skipped * TickSlots.SLOT_NANOS < REPORT_LATE_NANOS || now - lastReport < REPORT_EVERY_NANOS) {
            return;
        }
        lastReport = now;
        log.log(System.Logger.Level.WARNING, "media tick on " + Thread.currentThread().getName() + " woke "
                + (skipped + TickSlots.MAX_CATCH_UP) * 20 + "+ ms late, skipped " + skipped + " frame(s) for " + participants.size()
                + " participant(s): the process was short of CPU or stopped by the JVM (GC/safepoint)");
    }

    TickLateness lateness() {
        TickSlots s = slots;
        return s == null ? TickLateness.empty() : s.lateness();
    }

    TickStats stats() {
        TickSlots s = slots;
        return s == null ? new TickStats(0, 0, 0, 0) : s.stats();
    }
}
