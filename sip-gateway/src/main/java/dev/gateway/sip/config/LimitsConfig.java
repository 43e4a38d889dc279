package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

/**
 * Capacity and abuse limits. Immutable.
 *
 * @param maxCalls                   concurrent calls before new INVITEs get 503, default 100
 * @param drainSeconds               after SIGTERM, how long running calls may continue, default 30
 * @param ringSeconds                extra ringing (180) before answering, 0..10, default 0
 * @param requestsPerSecondPerSource requests that belong to no call (INVITE, REGISTER, OPTIONS, ...) per source IP
 *                                   and second; a source over it is blocked for {@code blockSeconds}; default 20,
 *                                   0 = unlimited. Sources in a trunk's {@code allowed_addresses} are exempt.
 *                                   (Read from {@code invitesPerSecondPerSource} too, its former name.)
 * @param maxCallSeconds             an answered call is hung up (BYE) after this long, default 0 = no limit
 * @param blockSeconds               how long a source over {@code requestsPerSecondPerSource} is ignored, default 60
 * @param invitesPerSecond           new INVITEs per second from all sources together, default 200, 0 = unlimited
 * @param maxUnconfirmed             inbound calls admitted but not ACKed yet (ringing, or 200 sent), default 50,
 *                                   at most {@code maxCalls}
 * @param maxUnconfirmedPerSource    the same for one source that no trunk lists, default 1
 * @param maxCpuPercent              the process's CPU use, % of all cores, over which {@code /readyz} answers 429 and
 *                                   OPTIONS 503 (calls are still admitted), default 0 = no CPU limit
 */
public record LimitsConfig(int maxCalls, int drainSeconds, int ringSeconds, int requestsPerSecondPerSource,
                           int maxCallSeconds, int blockSeconds, int invitesPerSecond, int maxUnconfirmed,
                           int maxUnconfirmedPerSource, int maxCpuPercent) {

    public static final LimitsConfig DEFAULT = new LimitsConfig(100, 30, 0, 20, 0, 60, 200, 50, 1, 0);

    /** With no CPU limit. */
    public LimitsConfig(int maxCalls, int drainSeconds, int ringSeconds, int requestsPerSecondPerSource,
                        int maxCallSeconds, int blockSeconds, int invitesPerSecond, int maxUnconfirmed,
                        int maxUnconfirmedPerSource) {
        this(maxCalls, drainSeconds, ringSeconds, requestsPerSecondPerSource, maxCallSeconds, blockSeconds,
                invitesPerSecond, maxUnconfirmed, maxUnconfirmedPerSource, 0);
    }

    public LimitsConfig {
        check(maxCalls >= 1, "maxCalls", "must be at least 1, got " + maxCalls);
        check(drainSeconds >= 0, "drainSeconds", "must be 0 or more, got " + drainSeconds);
        check(ringSeconds >= 0 && ringSeconds <= 10, "ringSeconds", "must be between 0 and 10, got " + ringSeconds);
        check(requestsPerSecondPerSource >= 0, "requestsPerSecondPerSource",
                "must be 0 (unlimited) or more, got " + requestsPerSecondPerSource);
        check(maxCallSeconds >= 0, "maxCallSeconds", "must be 0 (no limit) or more, got " + maxCallSeconds);
        check(blockSeconds >= 1 && blockSeconds <= 3600, "blockSeconds", "must be between 1 and 3600, got " + blockSeconds);
        check(invitesPerSecond >= 0, "invitesPerSecond", "must be 0 (unlimited) or more, got " + invitesPerSecond);
        check(maxUnconfirmed >= 1, "maxUnconfirmed", "must be at least 1, got " + maxUnconfirmed);
        check(maxUnconfirmedPerSource >= 1 && maxUnconfirmedPerSource <= maxUnconfirmed, "maxUnconfirmedPerSource",
                "must be between 1 and maxUnconfirmed (" + maxUnconfirmed + "), got " + maxUnconfirmedPerSource);
        check(maxCpuPercent >= 0 && maxCpuPercent <= 100, "maxCpuPercent",
                "must be between 0 (no CPU limit) and 100, got " + maxCpuPercent);
    }

    /** The unconfirmed cap as applied: never above {@code maxCalls} (a smaller maxCalls caps it first). */
    public int effectiveMaxUnconfirmed() {
        return Math.min(maxUnconfirmed, maxCalls);
    }
}
