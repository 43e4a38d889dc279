package dev.gateway.sip.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which room an inbound call joins, as LiveKit's {@code SIPDispatchRuleInfo}. Immutable.
 *
 * @param id              {@code sip_dispatch_rule_id}, never null
 * @param name            human-readable name, may be empty
 * @param metadata        opaque operator data, may be empty
 * @param trunkIds        inbound trunks this rule serves; empty = all
 * @param hidePhoneNumber hide the caller number in the participant's identity and attributes
 * @param rule            how the room is named
 * @param roomConfig      agents to dispatch into the room
 * @param attributes      attributes added to the SIP participant
 */
public record DispatchRule(String id, String name, String metadata, List<String> trunkIds, boolean hidePhoneNumber,
                           Kind rule, RoomConfig roomConfig, Map<String, String> attributes) {

    public DispatchRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        name = Objects.requireNonNullElse(name, "");
        metadata = Objects.requireNonNullElse(metadata, "");
        trunkIds = List.copyOf(trunkIds);
        roomConfig = Objects.requireNonNullElse(roomConfig, RoomConfig.EMPTY);
        attributes = Map.copyOf(attributes);
    }

    /** The room naming rule: exactly one of LiveKit's {@code SIPDispatchRule} oneof cases. */
    public sealed interface Kind permits Individual, Direct, Callee {
        /** PIN the caller must enter by DTMF, empty = none. */
        String pin();
    }

    /** {@code dispatchRuleIndividual}: a new room per call, {@code <roomPrefix><random>}. */
    public record Individual(String roomPrefix, String pin) implements Kind {
        public Individual {
            roomPrefix = Objects.requireNonNullElse(roomPrefix, "");
            pin = Objects.requireNonNullElse(pin, "");
        }
    }

    /** {@code dispatchRuleDirect}: every call joins {@code roomName}. */
    public record Direct(String roomName, String pin) implements Kind {
        public Direct {
            Objects.requireNonNull(roomName, "roomName");
            pin = Objects.requireNonNullElse(pin, "");
        }
    }

    /** {@code dispatchRuleCallee}: room {@code <roomPrefix><called number>}, plus a random suffix if asked. */
    public record Callee(String roomPrefix, boolean randomize, String pin) implements Kind {
        public Callee {
            roomPrefix = Objects.requireNonNullElse(roomPrefix, "");
            pin = Objects.requireNonNullElse(pin, "");
        }
    }

    /** LiveKit's {@code RoomConfiguration}, the part we use: agents to dispatch. */
    public record RoomConfig(List<AgentDispatch> agents) {
        public static final RoomConfig EMPTY = new RoomConfig(List.of());

        public RoomConfig {
            agents = List.copyOf(agents);
        }
    }

    /** LiveKit's {@code RoomAgentDispatch}: an agent by name with its job metadata. */
    public record AgentDispatch(String agentName, String metadata) {
        public AgentDispatch {
            Objects.requireNonNull(agentName, "agentName");
            metadata = Objects.requireNonNullElse(metadata, "");
        }
    }
}
