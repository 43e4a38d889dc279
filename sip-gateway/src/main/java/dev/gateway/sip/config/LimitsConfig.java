package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

/**
 * Capacity and abuse limits. Immutable.
 *
 * @param maxCalls                  concurrent calls before new INVITEs get 486/503, default 100
 * @param drainSeconds              after SIGTERM, how long running calls may continue, default 30
 * @param ringSeconds               extra ringing (180) before answering, 0..10, default 0
 * @param invitesPerSecondPerSource INVITE rate per source IP, default 50; 0 = unlimited
 * @param maxCallSeconds            an answered call is hung up (BYE) after this long, default 0 = no limit
 */
public record LimitsConfig(int maxCalls, int drainSeconds, int ringSeconds, int invitesPerSecondPerSource,
                           int maxCallSeconds) {

    public static final LimitsConfig DEFAULT = new LimitsConfig(100, 30, 0, 50, 0);

    public LimitsConfig {
        check(maxCalls >= 1, "maxCalls", "must be at least 1, got " + maxCalls);
        check(drainSeconds >= 0, "drainSeconds", "must be 0 or more, got " + drainSeconds);
        check(ringSeconds >= 0 && ringSeconds <= 10, "ringSeconds", "must be between 0 and 10, got " + ringSeconds);
        check(invitesPerSecondPerSource >= 0, "invitesPerSecondPerSource",
                "must be 0 (unlimited) or more, got " + invitesPerSecondPerSource);
        check(maxCallSeconds >= 0, "maxCallSeconds", "must be 0 (no limit) or more, got " + maxCallSeconds);
    }
}
