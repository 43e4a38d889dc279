package dev.gateway.media.webrtc.ice;

import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Consent freshness timers (RFC 7675 §5.1): a check every 5 s with ±20 % jitter (uniform in 4-6 s), and consent
 * lost 30 s after the last authenticated success response. Pure function of the times it is given; confined to
 * the agent's loop.
 */
final class IceConsent {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long JITTER_NANOS = INTERVAL_NANOS / 5;
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RandomGenerator random;
    private long lastSuccessNanos;
    private long nextCheckNanos;

    IceConsent(RandomGenerator random) {
        this.random = random;
    }

    /** Consent is fresh as of {@code nowNanos} (the pair was just selected); schedules the first check. */
    void start(long nowNanos) {
        lastSuccessNanos = nowNanos;
        scheduleNext(nowNanos);
    }

    /** An authenticated success response arrived from the selected remote. */
    void refreshed(long nowNanos) {
        lastSuccessNanos = nowNanos;
    }

    /** True when the next check is due. */
    boolean due(long nowNanos) {
        return nowNanos - nextCheckNanos >= 0;
    }

    /** Schedules the check after one sent at {@code nowNanos}. */
    void scheduleNext(long nowNanos) {
        nextCheckNanos = nowNanos + INTERVAL_NANOS - JITTER_NANOS + random.nextLong(2 * JITTER_NANOS + 1);
    }

    /** True if no success response arrived for 30 s. */
    boolean expired(long nowNanos) {
        return nowNanos - lastSuccessNanos >= TIMEOUT_NANOS;
    }
}
