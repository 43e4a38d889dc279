package dev.gateway.agent;

import java.util.List;
import java.util.Map;

/**
 * The room a call goes to and who is dispatched into it, as the matching dispatch rule decided. Immutable.
 *
 * @param roomName   the room to join (created on first join)
 * @param ruleId     the dispatch rule's id ("" when none matched and the default applies)
 * @param agents     agents to dispatch by name, with their job metadata
 * @param attributes extra participant attributes from the rule
 * @param metadata   participant metadata from the rule ("" when none)
 * @param hidePhoneNumber hide the caller's number from the room (identity and attributes use the call id)
 * @param identity   participant identity, or null for LiveKit's default {@code sip_<number>}
 * @param name       participant name, or null for {@code Phone <number>}
 * @param outbound   true for a call the gateway places (CreateSIPParticipant): status starts at "dialing"
 */
public record RoomTarget(String roomName, String ruleId, List<AgentDispatch> agents, Map<String, String> attributes,
                         String metadata, boolean hidePhoneNumber, String identity, String name, boolean outbound) {

    /** An inbound call's target (identity and name from the caller's number). */
    public RoomTarget(String roomName, String ruleId, List<AgentDispatch> agents, Map<String, String> attributes,
                      String metadata, boolean hidePhoneNumber) {
        this(roomName, ruleId, agents, attributes, metadata, hidePhoneNumber, null, null, false);
    }

    public RoomTarget {
        if (roomName == null || roomName.isBlank()) {
            throw new IllegalArgumentException("roomName must not be blank");
        }
        agents = List.copyOf(agents);
        attributes = Map.copyOf(attributes);
        metadata = metadata == null ? "" : metadata;
    }

    /** An agent to dispatch into the room. */
    public record AgentDispatch(String agentName, String metadata) {
    }
}
