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
 */
public record CallInfo(String id, String from, String to, String trunkId, Map<String, String> headers) {
    public CallInfo {
        headers = Map.copyOf(headers);
    }
}
