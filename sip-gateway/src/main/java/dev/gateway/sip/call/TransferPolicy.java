package dev.gateway.sip.call;

import dev.gateway.sip.trunk.DestinationList;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.TrunkDefaults;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where a call may be transferred (REFER), against toll fraud through transfers: an inbound call follows its trunk's
 * {@code allowed_transfer_destinations} as the trunk is now (a trunk updated through the SIP API applies to the calls
 * it already carries); an outbound call follows the {@code allowed_destinations} of the trunk it was placed on, where
 * number patterns also cover {@code sip:} targets on that trunk's host. A trunk without its own list follows
 * {@code trunks.defaults}. See {@link DestinationList} for the patterns.
 *
 * <p>Immutable and thread-safe (the suppliers must be).
 */
public final class TransferPolicy {

    /** Every target allowed (tests). */
    public static final TransferPolicy UNRESTRICTED = new TransferPolicy(List::of, TrunkDefaults.NONE);

    private static final System.Logger LOG = System.getLogger("call");

    private final Supplier<List<InboundTrunk>> inboundTrunks;
    private final TrunkDefaults defaults;
    private final RefusalLog refusals = new RefusalLog(LOG, System::nanoTime);

    /**
     * @param inboundTrunks the inbound trunks now (empty = the open trunk, held to the defaults)
     * @param defaults      the lists of trunks that set none ({@code trunks.defaults})
     */
    public TransferPolicy(Supplier<List<InboundTrunk>> inboundTrunks, TrunkDefaults defaults) {
        this.inboundTrunks = inboundTrunks;
        this.defaults = defaults;
    }

    /** One WARNING line for a refused transfer (at most 10 per 10 s, see {@link RefusalLog}). */
    void logRefusal(String line) {
        refusals.refused(line);
    }

    /**
     * Why {@code target} may not be transferred to, or null when it may.
     *
     * @param trunkId       the call's trunk
     * @param outboundTrunk the trunk an outbound call was placed on, null for an inbound call
     * @param target        a transfer target already checked by {@code TransferTarget.problem}
     */
    public String refusal(String trunkId, OutboundTrunk outboundTrunk, String target) {
        if (outboundTrunk != null) {
            DestinationList allowed = defaults.dialPolicyOf(outboundTrunk).allowedDestinations();
            return allowed.allowsTarget(target, outboundTrunk.host()) ? null
                    : target + " is not in the allowed_destinations of trunk " + outboundTrunk.displayName();
        }
        List<InboundTrunk> trunks = inboundTrunks.get();
        if (trunks.isEmpty()) {
            return defaults.allowedTransferDestinations().allowsTarget(target, null) ? null
                    : target + " is not in trunks.defaults.allowed_transfer_destinations";
        }
        for (InboundTrunk t : trunks) {
            if (t.id().equals(trunkId)) {
                return defaults.transfersOf(t).allowsTarget(target, null) ? null
                        : target + " is not in the allowed_transfer_destinations of trunk " + t.displayName();
            }
        }
        return "trunk " + trunkId + " no longer exists, so its transfer destinations are unknown";
    }
}
