package dev.gateway.sip.call;

import dev.gateway.sip.trunk.OutboundTrunk;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a call the gateway places needs to know (LiveKit's CreateSIPParticipant). Immutable but for the outcome
 * future, which the call completes once: answered, or failed with the SIP status.
 *
 * @param trunk          where the INVITE goes, with its digest credentials
 * @param to             the number (user part) to call
 * @param from           our number: one of the trunk's numbers (Twilio refuses others, error 32204)
 * @param headers        extra SIP headers for the INVITE (X-... for the carrier)
 * @param ringingMillis  give up (CANCEL) when nobody answers within this long
 * @param maxDurationMillis hang up after this long once answered (0 = no limit)
 * @param dtmfAfterAnswer digits to send once answered (e.g. an extension), "" for none
 */
public record OutboundDial(OutboundTrunk trunk, String to, String from, Map<String, String> headers, long ringingMillis,
                           long maxDurationMillis, String dtmfAfterAnswer, CompletableFuture<DialOutcome> outcome) {
    public OutboundDial {
        headers = Map.copyOf(headers);
        dtmfAfterAnswer = dtmfAfterAnswer == null ? "" : dtmfAfterAnswer;
    }

    /**
     * How dialing ended.
     *
     * @param answered  true when the callee answered (200 OK)
     * @param sipStatus the final status (200, or the failure: 486, 603, 408 for no answer, 0 before any response)
     * @param reason    the reason phrase or what went wrong
     */
    public record DialOutcome(boolean answered, int sipStatus, String reason) {
    }
}
