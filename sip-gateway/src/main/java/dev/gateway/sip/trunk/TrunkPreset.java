package dev.gateway.sip.trunk;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Ready-made allow-lists selected with our {@code preset:} extension on an inbound trunk. Immutable.
 */
public enum TrunkPreset {
    /**
     * Twilio's published Elastic SIP Trunking signalling IPs (one /30 per region: US East, US West, Ireland,
     * Frankfurt, Tokyo, Singapore, Sydney, São Paulo) plus Twilio's consolidated range 168.86.128.0/18 used for
     * media and by newer edges. Twilio changes these from time to time: operators must check them against
     * Twilio's current list ("IP addresses" in the Elastic SIP Trunking docs) before relying on them.
     */
    TWILIO("twilio", List.of(
            "54.172.60.0/30", "54.244.51.0/30", "54.171.127.192/30", "35.156.191.128/30",
            "54.65.63.192/30", "54.169.127.128/30", "54.252.254.64/30", "177.71.206.192/30",
            "168.86.128.0/18"), List.of("168.86.128.0/18"));

    private final String configName;
    private final List<Cidr> ranges;
    private final List<Cidr> mediaRanges;

    TrunkPreset(String configName, List<String> ranges, List<String> mediaRanges) {
        this.configName = configName;
        this.ranges = ranges.stream().map(Cidr::parse).toList();
        this.mediaRanges = mediaRanges.stream().map(Cidr::parse).toList();
    }

    /** The name used in configuration files, e.g. {@code twilio}. */
    public String configName() {
        return configName;
    }

    /** The address blocks this preset adds to {@code allowed_addresses}. */
    public List<Cidr> ranges() {
        return ranges;
    }

    /** Where the trunk's RTP comes from (documented media ranges), for {@code rtp.trustedMediaRanges}. */
    public List<Cidr> mediaRanges() {
        return mediaRanges;
    }

    /** Looks a preset up by its configuration name, ignoring case. */
    public static Optional<TrunkPreset> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (TrunkPreset p : values()) {
            if (p.configName.equals(n)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
