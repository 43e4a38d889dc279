package dev.gateway.agent;

import java.util.Map;

/**
 * What an agent is told about a new call. Immutable.
 *
 * @param id      the gateway's call id
 * @param from    caller number or user part
 * @param to      called number or user part
 * @param trunkId the inbound trunk that matched, or empty
 * @param headers mapped SIP headers (for example {@code X-Twilio-CallSid})
 * @param room    where a room-based agent should take the call (from the dispatch rules), or null
 */
public record CallInfo(String id, String from, String to, String trunkId, Map<String, String> headers, RoomTarget room) {
    public CallInfo {
        headers = Map.copyOf(headers);
    }

    public CallInfo(String id, String from, String to, String trunkId, Map<String, String> headers) {
        this(id, from, to, trunkId, headers, null);
    }
}
