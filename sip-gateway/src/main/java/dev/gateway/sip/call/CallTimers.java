package dev.gateway.sip.call;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A call's timers on its loop, each task run through the call's {@link CallGuard}: the one pending call timer
 * (answer delay, no answer, no ACK, maximum duration: setting one replaces the last) and free-standing ones (session
 * refresh, 180 re-sends) whose owners cancel them.
 *
 * <p>Threading: confined to the call's loop.
 */
final class CallTimers {
    private final EventLoop loop;
    private final CallGuard guard;
    private ScheduledFuture<?> pending;

    CallTimers(EventLoop loop, CallGuard guard) {
        this.loop = loop;
        this.guard = guard;
    }

    /** Runs {@code task} once after {@code millis}. */
    ScheduledFuture<?> schedule(String event, Runnable task, long millis) {
        return loop.schedule(() -> guard.run(event, task), millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} every {@code millis}, first after {@code millis}. */
    ScheduledFuture<?> every(String event, Runnable task, long millis) {
        return loop.scheduleAtFixedRate(() -> guard.run(event, task), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Sets the call timer, cancelling the one before. */
    void set(String event, Runnable task, long millis) {
        cancel();
        pending = schedule(event, task, millis);
    }

    /** Cancels the call timer; idempotent. */
    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
