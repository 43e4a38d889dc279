package dev.gateway.sip.dispatch;

import dev.gateway.agent.RoomTarget;
import dev.gateway.sip.config.DispatchRule;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the room for an inbound call from LiveKit-shaped dispatch rules: rules naming the call's trunk win over
 * rules for every trunk (empty {@code trunk_ids}); within each group the first in the file wins. Room names follow
 * LiveKit's SIP service: individual {@code <prefix><caller>_<random>}, direct {@code <roomName>}, callee
 * {@code <prefix><called>} (plus {@code _<random>} when randomized). With no rules configured at all, every call
 * gets its own room {@code call-<caller>_<random>}.
 *
 * <p>Threading: immutable and thread-safe.
 */
public final class DispatchResolver {
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DispatchRule DEFAULT = new DispatchRule("", "default", "", List.of(), false,
            new DispatchRule.Individual("call-", ""), DispatchRule.RoomConfig.EMPTY, java.util.Map.of());

    private final List<DispatchRule> rules;

    public DispatchResolver(List<DispatchRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** @return the room target, or null when rules exist but none applies to this trunk (the call gets 404) */
    public RoomTarget resolve(String trunkId, String caller, String called) {
        DispatchRule rule = rules.isEmpty() ? DEFAULT : pick(trunkId);
        if (rule == null) {
            return null;
        }
        String room;
        if (rule.rule() instanceof DispatchRule.Individual i) {
            room = i.roomPrefix() + safe(caller) + "_" + random(6);
        } else if (rule.rule() instanceof DispatchRule.Direct d) {
            room = d.roomName();
        } else {
            DispatchRule.Callee c = (DispatchRule.Callee) rule.rule();
            room = c.roomPrefix() + safe(called) + (c.randomize() ? "_" + random(6) : "");
        }
        List<RoomTarget.AgentDispatch> agents = new ArrayList<>();
        for (DispatchRule.AgentDispatch a : rule.roomConfig().agents()) {
            agents.add(new RoomTarget.AgentDispatch(a.agentName(), a.metadata()));
        }
        return new RoomTarget(room, rule.id(), agents, rule.attributes(), rule.metadata(), rule.hidePhoneNumber());
    }

    private DispatchRule pick(String trunkId) {
        for (DispatchRule r : rules) {
            if (r.trunkIds().contains(trunkId)) {
                return r;
            }
        }
        for (DispatchRule r : rules) {
            if (r.trunkIds().isEmpty()) {
                return r;
            }
        }
        return null;
    }

    /** Room names keep digits, letters, '+', '-', '_' and '.'; anything else from a SIP header becomes '_'. */
    private static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return b.toString();
    }

    private static String random(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
