package dev.gateway.sip.config;

import dev.gateway.sip.config.ConfigNode.Item;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code dispatchRules[]} in the shape of LiveKit's {@code lk sip dispatch create} files: wrapped
 * ({@code {"dispatch_rule": {...}}}) or bare, snake_case or lowerCamelCase. Stateless; used by
 * {@link ConfigLoader} only.
 */
final class DispatchSection {

    private static final String[] INDIVIDUAL = {"dispatchRuleIndividual", "dispatch_rule_individual"};
    private static final String[] DIRECT = {"dispatchRuleDirect", "dispatch_rule_direct"};
    private static final String[] CALLEE = {"dispatchRuleCallee", "dispatch_rule_callee"};

    private DispatchSection() {
    }

    /**
     * @param trunkIds ids of the configured inbound trunks, which {@code trunk_ids} must refer to
     */
    static List<DispatchRule> read(List<ConfigNode> items, Set<String> trunkIds) throws ConfigException {
        List<DispatchRule> out = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode d = items.get(i).unwrap("dispatch_rule", "dispatchRule");
            String id = d.string(null, "sip_dispatch_rule_id", "sipDispatchRuleId");
            String name = d.string("", "name");
            String metadata = d.string("", "metadata");
            List<Item> trunks = d.strings("trunk_ids", "trunkIds");
            boolean hide = d.bool(false, "hide_phone_number", "hidePhoneNumber");
            boolean hasRule = d.has("rule");
            ConfigNode rule = d.object("rule");
            DispatchRule.RoomConfig roomConfig = roomConfig(d.object("room_config", "roomConfig"));
            Map<String, String> attributes = d.stringMap("attributes");
            d.finish();

            if (!hasRule) {
                throw new ConfigException(d.child("rule"),
                        "required: one of dispatchRuleIndividual, dispatchRuleDirect, dispatchRuleCallee");
            }
            DispatchRule.Kind kind = kind(rule);
            List<String> trunkIdList = new ArrayList<>();
            for (Item t : trunks) {
                if (!trunkIds.contains(t.value())) {
                    throw new ConfigException(t.path(), "no inbound trunk has sip_trunk_id '" + t.value() + "'");
                }
                trunkIdList.add(t.value());
            }
            id = TrunkSection.uniqueId(ids, d, id != null ? id : TrunkSection.generatedId("SDR_", name + ":" + i),
                    "sip_dispatch_rule_id", "sipDispatchRuleId");
            out.add(new DispatchRule(id, name, metadata, trunkIdList, hide, kind, roomConfig, attributes));
        }
        return out;
    }

    private static DispatchRule.Kind kind(ConfigNode rule) throws ConfigException {
        List<String> present = new ArrayList<>();
        for (String[] names : List.of(INDIVIDUAL, DIRECT, CALLEE)) {
            if (rule.has(names)) {
                present.add(rule.pathOf(names).substring(rule.path().length() + 1));
            }
        }
        rule.finish();
        if (present.size() != 1) {
            throw new ConfigException(rule.path(), "must set exactly one of dispatchRuleIndividual, "
                    + "dispatchRuleDirect, dispatchRuleCallee" + (present.isEmpty() ? "" : ", got "
                    + String.join(" and ", present)));
        }
        if (rule.has(INDIVIDUAL)) {
            ConfigNode r = rule.object(INDIVIDUAL);
            String prefix = r.string("", "roomPrefix", "room_prefix");
            String pin = pin(r);
            r.finish();
            return new DispatchRule.Individual(prefix, pin);
        }
        if (rule.has(DIRECT)) {
            ConfigNode r = rule.object(DIRECT);
            String room = r.string("", "roomName", "room_name");
            String pin = pin(r);
            r.finish();
            if (room.isBlank()) {
                throw new ConfigException(r.pathOf("roomName", "room_name"), "required: the room every call joins");
            }
            return new DispatchRule.Direct(room, pin);
        }
        ConfigNode r = rule.object(CALLEE);
        String prefix = r.string("", "roomPrefix", "room_prefix");
        boolean randomize = r.bool(false, "randomize");
        String pin = pin(r);
        r.finish();
        return new DispatchRule.Callee(prefix, randomize, pin);
    }

    private static String pin(ConfigNode r) throws ConfigException {
        String pin = r.string("", "pin");
        if (!pin.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(r.child("pin"), "must be digits only");
        }
        return pin;
    }

    private static DispatchRule.RoomConfig roomConfig(ConfigNode rc) throws ConfigException {
        List<DispatchRule.AgentDispatch> agents = new ArrayList<>();
        for (ConfigNode a : rc.objects("agents")) {
            String agentName = a.string("", "agent_name", "agentName");
            String metadata = a.string("", "metadata");
            a.finish();
            if (agentName.isBlank()) {
                throw new ConfigException(a.pathOf("agent_name", "agentName"), "required");
            }
            agents.add(new DispatchRule.AgentDispatch(agentName, metadata));
        }
        rc.finish();
        return new DispatchRule.RoomConfig(agents);
    }
}
