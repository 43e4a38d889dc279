package dev.gateway.sip.config;

import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import java.util.List;

/**
 * The {@code trunks} section. Immutable.
 *
 * @param inbound  origination trunks; empty = accept every call (see {@link GatewayConfig#openInbound()})
 * @param outbound termination trunks for outgoing calls
 */
public record TrunksConfig(List<InboundTrunk> inbound, List<OutboundTrunk> outbound) {

    public static final TrunksConfig EMPTY = new TrunksConfig(List.of(), List.of());

    public TrunksConfig {
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
    }
}
