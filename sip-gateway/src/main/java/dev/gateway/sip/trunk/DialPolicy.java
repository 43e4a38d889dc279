package dev.gateway.sip.trunk;

import java.util.Objects;

/**
 * What an outbound trunk may dial and how much, against toll fraud: the destinations its calls and transfers may
 * reach, and caps on its concurrent calls and on new calls per minute. Immutable and thread-safe.
 *
 * @param allowedDestinations numbers (and transfer targets) this trunk may reach; {@link DestinationList#UNRESTRICTED}
 *                            when the trunk sets none
 * @param maxConcurrentCalls  calls through this trunk at once, 0 = no cap
 * @param maxCallsPerMinute   new calls through this trunk per minute (a bucket of that size refilled evenly over a
 *                            minute), 0 = no cap
 */
public record DialPolicy(DestinationList allowedDestinations, int maxConcurrentCalls, int maxCallsPerMinute) {

    /** No list, no caps: what a trunk without the fields gets (as before they existed). */
    public static final DialPolicy OPEN = new DialPolicy(DestinationList.UNRESTRICTED, 0, 0);

    public DialPolicy {
        Objects.requireNonNull(allowedDestinations, "allowedDestinations");
        if (maxConcurrentCalls < 0 || maxCallsPerMinute < 0) {
            throw new IllegalArgumentException("caps must be 0 (none) or more");
        }
    }
}
