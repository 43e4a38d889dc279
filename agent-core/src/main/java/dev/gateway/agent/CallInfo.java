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

    /** The far end's number as the room shows it: the caller inbound, the callee outbound, the call id if hidden. */
    public String remoteNumber() {
        if (room != null && room.hidePhoneNumber()) {
            return id;
        }
        return room != null && room.outbound() ? to : from;
    }

    /** The phone participant's identity in its room: the target's, or LiveKit's default {@code sip_<number>}. */
    public String participantIdentity() {
        return room != null && room.identity() != null ? room.identity() : "sip_" + remoteNumber();
    }
}
