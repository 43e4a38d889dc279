package dev.gateway.sip.call;

/**
 * Contains a call's failures: every task the call runs on its loop goes through {@link #run}, so a RuntimeException
 * from JAIN-SIP, the agent or the media (NullPointerException, ClassCastException, anything) never reaches the media
 * tick or another call. The failure is logged on one line (call id, event, exception class and message; no stack
 * trace) and handed to the call's local ending, which itself must not throw.
 *
 * <p>Threading: confined to the call's loop, like the call.
 */
final class CallGuard {
    private static final System.Logger LOG = System.getLogger("call");

    /** What the call does when one of its tasks failed: end locally with this reason. */
    interface Ending {
        void failed(String reason);
    }

    private final String callId;
    private final Ending ending;
    private int failures;

    CallGuard(String callId, Ending ending) {
        this.callId = callId;
        this.ending = ending;
    }

    /** Runs {@code task}; on a RuntimeException logs once and ends the call. */
    void run(String event, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            failed(event, e);
        }
    }

    /** Reports a failure that happened elsewhere (a SIP send on the SIP executor), then ends the call. */
    void failed(String event, RuntimeException e) {
        failures++;
        LOG.log(System.Logger.Level.WARNING, "[" + callId + "] " + event + " failed: " + describe(e));
        try {
            ending.failed(event + " failed (" + e.getClass().getSimpleName() + ")");
        } catch (RuntimeException again) {
            LOG.log(System.Logger.Level.ERROR, "[" + callId + "] ending after a failure failed too: " + describe(again));
        }
    }

    /** Failures contained so far. */
    int failures() {
        return failures;
    }

    static String describe(Throwable e) {
        return e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The message of what really failed, under CompletionException/ExecutionException wrappers. */
    static String rootMessage(Throwable t) {
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
