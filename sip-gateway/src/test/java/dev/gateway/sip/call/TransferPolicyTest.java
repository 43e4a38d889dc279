package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gateway.sip.trunk.DestinationList;
import dev.gateway.sip.trunk.DialPolicy;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.Transport;
import dev.gateway.sip.trunk.TrunkDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferPolicyTest {

    private static InboundTrunk inbound(String id, DestinationList transfers) {
        return new InboundTrunk(id, id, "", List.of(), List.of(), List.of(), "", "", Map.of(), transfers);
    }

    private static final InboundTrunk PBX_ONLY = inbound("ST_pbx", DestinationList.parse(List.of("*@pbx.example.com")));
    private static final InboundTrunk OPEN = inbound("ST_open", DestinationList.UNRESTRICTED);
    private static final TrunkDefaults NO_TRANSFERS = new TrunkDefaults(DialPolicy.OPEN, DestinationList.parse(List.of()));

    @Test
    void inboundCallsFollowTheirTrunkAsItIsNow() {
        List<InboundTrunk> trunks = new ArrayList<>(List.of(PBX_ONLY, OPEN));
        TransferPolicy policy = new TransferPolicy(() -> List.copyOf(trunks), TrunkDefaults.NONE);
        assertNull(policy.refusal("ST_pbx", null, "sip:ops@pbx.example.com"));
        assertEquals("tel:+882161234567 is not in the allowed_transfer_destinations of trunk ST_pbx",
                policy.refusal("ST_pbx", null, "tel:+882161234567"));
        assertNull(policy.refusal("ST_open", null, "tel:+882161234567"), "no list and no defaults: unrestricted");
        trunks.remove(OPEN);
        assertEquals("trunk ST_open no longer exists, so its transfer destinations are unknown",
                policy.refusal("ST_open", null, "tel:+15105550100"));
    }

    @Test
    void defaultsApplyToTrunksWithoutAListAndToTheOpenTrunk() {
        TransferPolicy withTrunks = new TransferPolicy(() -> List.of(PBX_ONLY, OPEN), NO_TRANSFERS);
        assertEquals("tel:+15105550100 is not in the allowed_transfer_destinations of trunk ST_open",
                withTrunks.refusal("ST_open", null, "tel:+15105550100"));
        assertNull(withTrunks.refusal("ST_pbx", null, "sip:ops@pbx.example.com"), "the trunk's own list wins");
        TransferPolicy noTrunks = new TransferPolicy(List::of, NO_TRANSFERS);
        assertEquals("tel:+15105550100 is not in trunks.defaults.allowed_transfer_destinations",
                noTrunks.refusal("default", null, "tel:+15105550100"));
    }

    @Test
    void outboundCallsFollowTheirTrunksDestinationsWithItsHost() {
        OutboundTrunk carrier = new OutboundTrunk("ST_out", "carrier", "", "sip.carrier.example:5060", Transport.UDP,
                List.of("+15105550100"), "", "", Map.of(),
                new DialPolicy(DestinationList.parse(List.of("+1*")), 0, 0));
        TransferPolicy policy = new TransferPolicy(List::of, TrunkDefaults.NONE);
        assertNull(policy.refusal("ST_out", carrier, "tel:+15105550111"));
        assertNull(policy.refusal("ST_out", carrier, "sip:+15105550111@sip.carrier.example"));
        assertEquals("sip:+15105550111@elsewhere.example is not in the allowed_destinations of trunk carrier",
                policy.refusal("ST_out", carrier, "sip:+15105550111@elsewhere.example"));
    }
}
