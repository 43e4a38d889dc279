package dev.gateway.agent.signal;

/**
 * Liveness of one signalling connection, as a pure function of the times it is given (ms of a
 * monotonic clock).
 *
 * <p>LiveKit's {@code JoinResponse} carries {@code ping_interval} and {@code ping_timeout} (seconds; 5 and 15 by
 * default). The client sends {@code ping_req} every interval and the server answers {@code pong_resp} echoing our
 * timestamp; a link with no pong for {@code ping_timeout} is dead. The join itself counts as the first sign of
 * life. Thread-safe (synchronized): the timer thread pings and checks, the reader thread records pongs.
 */
final class PingMonitor {

    private final long timeoutMs;
    private long lastHeardMs;
    private long rttMs;
    private long pongs;

    /** @param joinedAtMs when the join arrived; @param timeoutMs the server's ping_timeout, in ms */
    PingMonitor(long joinedAtMs, long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("ping timeout must be positive: " + timeoutMs + " ms");
        }
        this.timeoutMs = timeoutMs;
        this.lastHeardMs = joinedAtMs;
    }

    /**
     * Records a pong.
     *
     * @param rttMs round trip measured by the caller (wall clock now minus the echoed {@code last_ping_timestamp});
     *              ignored if negative (wall clock stepped)
     * @param nowMs the monotonic time of arrival
     */
    synchronized void onPong(long rttMs, long nowMs) {
        lastHeardMs = Math.max(lastHeardMs, nowMs);
        if (rttMs >= 0) {
            this.rttMs = rttMs;
        }
        pongs++;
    }

    /** True once nothing has been heard for longer than the timeout. */
    synchronized boolean timedOut(long nowMs) {
        return nowMs - lastHeardMs > timeoutMs;
    }

    /** Last round trip in ms, 0 before the first pong. */
    synchronized long rttMs() {
        return rttMs;
    }

    synchronized long pongs() {
        return pongs;
    }
}
