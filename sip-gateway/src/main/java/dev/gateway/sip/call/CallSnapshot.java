package dev.gateway.sip.call;

import dev.gateway.media.endpoint.RtpEndpointStats;

/**
 * One call as {@code GET /calls} shows it. Immutable.
 *
 * @param transfer null when no transfer was requested
 * @param media    null before media is set up
 * @param pipeline the call's media pipeline, both directions, as one line; empty before media is set up
 * @param voicemail what voicemail detection found so far; null when undecided or not running
 * @param recording the recording's state: off, pending, recording, paused or stopped
 */
public record CallSnapshot(String id, String callId, String from, String to, String trunk, String state,
                           String codec, int ptime, String dtmf, long startedAtMillis, TransferSnapshot transfer,
                           RtpEndpointStats media, String pipeline, dev.gateway.agent.VoicemailResult voicemail,
                           String recording) {

    /** The state of the last transfer request. */
    public record TransferSnapshot(String to, String status, int sipStatus) {
    }
}
