package dev.gateway.sip.trunk;

import java.util.Objects;

/**
 * The toll-fraud settings of {@code trunks.defaults}: what a trunk that sets none of its own gets, above all the
 * trunks created through the SIP API (LiveKit's trunk messages have no such fields). A trunk's own
 * {@code allowed_destinations} / {@code allowed_transfer_destinations} replace the default list; its own non-zero
 * caps replace the default caps. Immutable and thread-safe.
 *
 * @param dialPolicy                  defaults for outbound trunks
 * @param allowedTransferDestinations default for inbound trunks (and the open trunk when none is configured)
 */
public record TrunkDefaults(DialPolicy dialPolicy, DestinationList allowedTransferDestinations) {

    /** No defaults: trunks without settings are unrestricted, as before these settings existed. */
    public static final TrunkDefaults NONE = new TrunkDefaults(DialPolicy.OPEN, DestinationList.UNRESTRICTED);

    public TrunkDefaults {
        Objects.requireNonNull(dialPolicy, "dialPolicy");
        Objects.requireNonNull(allowedTransferDestinations, "allowedTransferDestinations");
    }

    /** The policy {@code trunk} is held to: its own settings, each missing one taken from these defaults. */
    public DialPolicy dialPolicyOf(OutboundTrunk trunk) {
        DialPolicy own = trunk.dialPolicy();
        return new DialPolicy(
                own.allowedDestinations().restricted() ? own.allowedDestinations() : dialPolicy.allowedDestinations(),
                own.maxConcurrentCalls() > 0 ? own.maxConcurrentCalls() : dialPolicy.maxConcurrentCalls(),
                own.maxCallsPerMinute() > 0 ? own.maxCallsPerMinute() : dialPolicy.maxCallsPerMinute());
    }

    /** Where calls of {@code trunk} may be transferred: its own list, or the default one. */
    public DestinationList transfersOf(InboundTrunk trunk) {
        return trunk.allowedTransferDestinations().restricted() ? trunk.allowedTransferDestinations()
                : allowedTransferDestinations;
    }
}
