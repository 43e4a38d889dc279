package dev.gateway.sip.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import java.util.List;
import java.util.Set;

/**
 * Reads one trunk or dispatch rule given as a JSON tree in LiveKit's protojson shape (snake_case or
 * lowerCamelCase), with exactly the validation the configuration file gets: the same field checks, the same
 * messages, unknown fields rejected. The SIP API ({@code dev.gateway.sip.store}) uses it for entries created at
 * run time, so a trunk is valid through the API exactly when it would be valid in the file. Stateless and
 * thread-safe.
 */
public final class SipEntryReader {

    private SipEntryReader() {
    }

    /**
     * @param json {@code SIPInboundTrunkInfo} as a JSON object, {@code sip_trunk_id} set
     * @param path prefix for field names in errors, e.g. {@code trunk}
     * @throws ConfigException naming the offending field under {@code path}
     */
    public static InboundTrunk inboundTrunk(JsonNode json, String path) throws ConfigException {
        return TrunkSection.inbound(List.of(ConfigNode.of(json, path))).get(0);
    }

    /** As {@link #inboundTrunk} for {@code SIPOutboundTrunkInfo}. */
    public static OutboundTrunk outboundTrunk(JsonNode json, String path) throws ConfigException {
        return TrunkSection.outbound(List.of(ConfigNode.of(json, path))).get(0);
    }

    /**
     * As {@link #inboundTrunk} for {@code SIPDispatchRuleInfo}.
     *
     * @param inboundTrunkIds the ids {@code trunk_ids} may name
     */
    public static DispatchRule dispatchRule(JsonNode json, String path, Set<String> inboundTrunkIds)
            throws ConfigException {
        return DispatchSection.read(List.of(ConfigNode.of(json, path)), inboundTrunkIds).get(0);
    }
}
