package dev.gateway.sip.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-call switches of an optional feature (voicemail detection, recording), from the most specific to the least:
 * a participant attribute on the call ({@code sip.amd} / {@code sip.recording}: {@code on} or {@code off}), the
 * matching dispatch rule's entry, the trunk's entry (by id or name), then the direction's default. Immutable.
 */
public record FeatureSwitches(boolean inbound, boolean outbound, Map<String, Boolean> trunks,
                              Map<String, Boolean> dispatchRules) {

    public static final FeatureSwitches OFF = new FeatureSwitches(false, false, Map.of(), Map.of());

    public FeatureSwitches {
        trunks = Map.copyOf(trunks);
        dispatchRules = Map.copyOf(dispatchRules);
    }

    /**
     * Whether the feature runs on a call.
     *
     * @param attribute the call's own switch ({@code on}/{@code off}), or null
     * @param ruleId    the dispatch rule that routed an inbound call, or null
     */
    public boolean enabled(boolean outboundCall, String trunkId, String trunkName, String ruleId, String attribute) {
        Boolean own = parse(attribute);
        if (own != null) {
            return own;
        }
        if (ruleId != null && dispatchRules.containsKey(ruleId)) {
            return dispatchRules.get(ruleId);
        }
        if (trunkId != null && trunks.containsKey(trunkId)) {
            return trunks.get(trunkId);
        }
        if (trunkName != null && trunks.containsKey(trunkName)) {
            return trunks.get(trunkName);
        }
        return outboundCall ? outbound : inbound;
    }

    /**
     * Whether the feature runs on {@code call}: its participant attribute {@code attribute} (from CreateSIPParticipant
     * or its dispatch rule), the rule that routed it, its trunk (by id, or {@code trunkName}), its direction.
     */
    public boolean enabled(dev.gateway.agent.CallInfo call, boolean outboundCall, String trunkName, String attribute) {
        var room = call.room();
        String own = room == null ? null : room.attributes().get(attribute);
        String ruleId = room == null || room.ruleId().isEmpty() ? null : room.ruleId();
        return enabled(outboundCall, call.trunkId(), trunkName, ruleId, own);
    }

    /** {@code on/true/yes} -> true, {@code off/false/no} -> false, anything else (null, blank) -> null. */
    public static Boolean parse(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> Boolean.TRUE;
            case "off", "false", "no", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** A config map of {@code on}/{@code off} values; {@code field} names the map in errors. */
    static Map<String, Boolean> switches(Map<String, String> raw, String field) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            Boolean b = parse(value);
            InvalidConfigException.check(b != null, field + "." + key, "must be on or off, got '" + value + "'");
            out.put(key, b);
        });
        return out;
    }
}
