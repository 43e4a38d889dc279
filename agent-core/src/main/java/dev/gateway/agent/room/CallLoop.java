package dev.gateway.agent.room;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The call's event loop as the room parts use it: hop onto it, run something later, read the time. Injected so
 * that tests drive time by hand and never sleep; production wraps the call's Netty loop and the media clock.
 *
 * <p>Threading: {@link #execute} and {@link #schedule} may be called from any thread; tasks run on the loop.
 */
interface CallLoop {

    /** Runs {@code task} on the loop, after what is already queued; dropped once the loop has shut down. */
    void execute(Runnable task);

    /** Runs {@code task} on the loop after {@code delayMillis}; the result cancels it if it has not run. */
    Timer schedule(Runnable task, long delayMillis);

    /** Runs {@code task} on the loop every {@code periodMillis} (first run after one period) until cancelled. */
    Timer every(Runnable task, long periodMillis);

    /** The monotonic clock of the call's media, in ns. */
    long nanoTime();

    /** A scheduled task. */
    interface Timer {
        /** Cancels the task if it has not started; idempotent. */
        void cancel();
    }

    /** The call's Netty loop with the media engine's clock. */
    static CallLoop of(EventLoop loop, LongSupplier nanoTime) {
        return new CallLoop() {
            @Override
            public void execute(Runnable task) {
                try {
                    loop.execute(task);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // the gateway is stopping and its loops are gone: a late signalling callback has nothing to do
                }
            }

            @Override
            public Timer schedule(Runnable task, long delayMillis) {
                io.netty.util.concurrent.ScheduledFuture<?> f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public Timer every(Runnable task, long periodMillis) {
                io.netty.util.concurrent.ScheduledFuture<?> f =
                        loop.scheduleAtFixedRate(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public long nanoTime() {
                return nanoTime.getAsLong();
            }
        };
    }
}
