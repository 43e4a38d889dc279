package dev.gateway.sip.config;

import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.TrunkDefaults;
import java.util.List;
import java.util.Objects;

/**
 * The {@code trunks} section. Immutable.
 *
 * @param inbound  origination trunks; empty = accept every call (see {@link GatewayConfig#openInbound()})
 * @param outbound termination trunks for outgoing calls
 * @param defaults toll-fraud settings of trunks that set none ({@code trunks.defaults}), API trunks included
 */
public record TrunksConfig(List<InboundTrunk> inbound, List<OutboundTrunk> outbound, TrunkDefaults defaults) {

    public static final TrunksConfig EMPTY = new TrunksConfig(List.of(), List.of());

    /** Trunks with {@link TrunkDefaults#NONE}. */
    public TrunksConfig(List<InboundTrunk> inbound, List<OutboundTrunk> outbound) {
        this(inbound, outbound, TrunkDefaults.NONE);
    }

    public TrunksConfig {
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
        defaults = Objects.requireNonNullElse(defaults, TrunkDefaults.NONE);
    }
}
