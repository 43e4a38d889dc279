package dev.gateway.sip.call;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Bounds every call state's lifetime, whatever went wrong on the way: once a second it ends any call that stayed
 * <ul>
 *   <li>DIALING or RINGING longer than its ringing limit + {@link #GRACE_MILLIS};</li>
 *   <li>ANSWERED (no ACK for our 2xx) longer than {@link #NO_ACK_MILLIS} (64*T1, RFC 3261 §13.3.1.4);</li>
 *   <li>ACTIVE longer than {@code limits.maxCallSeconds} (when set);</li>
 *   <li>ENDING longer than {@link #GRACE_MILLIS}: removed locally at once.</li>
 * </ul>
 * A call it already asked to end that is still registered {@link #GRACE_MILLIS} later (its loop never ran the end) is
 * removed by force, so its {@code maxCalls} slot comes back. Each swept call counts in
 * {@link CallRegistry#sweptCalls()} (shown as {@code sweptCalls} in {@code GET /healthz}).
 *
 * <p>Threading: {@link #sweep()} is thread-safe and reads only volatile call state; {@link #start()} creates one
 * daemon thread that runs it every second, {@link #stop()} ends it.
 */
public final class CallSweeper {
    static final long GRACE_MILLIS = 5_000;
    static final long NO_ACK_MILLIS = 32_000;

    private final CallRegistry registry;
    private final LongSupplier clockMillis;
    private ScheduledExecutorService timer;

    public CallSweeper(CallRegistry registry, LongSupplier clockMillis) {
        this.registry = registry;
        this.clockMillis = clockMillis;
    }

    public synchronized void start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "call-sweeper");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::sweepQuietly, 1, 1, TimeUnit.SECONDS);
        }
    }

    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** One pass over every call; returns how many it ended or removed. */
    public int sweep() {
        long now = clockMillis.getAsLong();
        int swept = 0;
        for (Call call : registry.all()) {
            long expired = call.expiredAtMillis();
            if (expired > 0) {
                if (now - expired >= GRACE_MILLIS) {
                    call.forceRemove("still " + call.state().wireName() + " " + (now - expired) / 1000 + " s after the sweeper ended it");
                    swept++;
                }
                continue;
            }
            String why = overdue(call, now - call.stateSinceMillis());
            if (why == null) {
                continue;
            }
            swept++;
            registry.countSwept();
            if (call.state() == CallState.ENDING || call.state() == CallState.ENDED) {
                call.forceRemove(why);
            } else {
                call.expire(why, now);
            }
        }
        return swept;
    }

    /** Why {@code call}, {@code inStateMillis} into its state, must end; null when it may go on. */
    static String overdue(Call call, long inStateMillis) {
        return switch (call.state()) {
            case DIALING, RINGING -> inStateMillis > call.ringingLimitMillis() + GRACE_MILLIS
                    ? "still " + call.state().wireName() + " after " + inStateMillis / 1000 + " s" : null;
            case ANSWERED -> inStateMillis > NO_ACK_MILLIS ? "no ACK within " + NO_ACK_MILLIS / 1000 + " s" : null;
            case ACTIVE -> call.maxActiveMillis() > 0 && inStateMillis > call.maxActiveMillis()
                    ? "maximum call duration reached (" + call.maxActiveMillis() / 1000 + " s)" : null;
            case ENDING -> inStateMillis > GRACE_MILLIS ? "still ending after " + inStateMillis / 1000 + " s" : null;
            case ENDED -> "ended but still registered";
        };
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            System.getLogger("call").log(System.Logger.Level.WARNING, "sweep failed: " + CallGuard.describe(e));
        }
    }
}
