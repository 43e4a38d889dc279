package dev.gateway.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the gateway's voicemail detection (answering-machine detection) knows about a call so far: who answered,
 * why it was decided, and for a machine whether its beep has ended. Each update carries the whole state. Immutable.
 *
 * @param result     {@code human}, {@code machine}, {@code silence} or {@code unknown}
 * @param reason     why, e.g. {@code long_greeting}, {@code initial_silence}, {@code after_greeting_silence}
 * @param decisionMs when it was decided, ms after the answer
 * @param beep       {@code ""} while no beep is known (always for anything but a machine), {@code "true"} once the
 *                   beep has ended, {@code "timeout"} when none came in time
 * @param beepEndMs  when the beep ended, ms after the answer; -1 when none did
 */
public record VoicemailResult(String result, String reason, long decisionMs, String beep, long beepEndMs) {
    /** The data packets' topic. */
    public static final String TOPIC = "sip_amd";

    public VoicemailResult {
        if (result == null || result.isBlank()) {
            throw new IllegalArgumentException("result must be set");
        }
        reason = reason == null ? "" : reason;
        beep = beep == null ? "" : beep;
    }

    /** The decision alone, before any beep. */
    public static VoicemailResult decided(String result, String reason, long decisionMs) {
        return new VoicemailResult(result, reason, decisionMs, "", -1);
    }

    /** This result with the machine's beep ended at {@code endMs}. */
    public VoicemailResult withBeep(long endMs) {
        return new VoicemailResult(result, reason, decisionMs, "true", endMs);
    }

    /** This result with no beep within the time allowed. */
    public VoicemailResult withBeepTimeout() {
        return new VoicemailResult(result, reason, decisionMs, "timeout", -1);
    }

    /** The phone participant's attributes: {@code sip.amd}, {@code sip.amdReason}, and {@code sip.amdBeep} once known. */
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("sip.amd", result);
        a.put("sip.amdReason", reason);
        if (!beep.isEmpty()) {
            a.put("sip.amdBeep", beep);
        }
        return a;
    }

    /**
     * The fields of the {@code sip_amd} JSON in order, {@code beep} and {@code beep_end_ms} null until known (for
     * JSON writers: the HTTP API, the recording's sidecar).
     */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("result", result);
        f.put("reason", reason);
        f.put("decision_ms", decisionMs);
        f.put("beep", beep.isEmpty() ? null : beep);
        f.put("beep_end_ms", beepEndMs < 0 ? null : beepEndMs);
        return f;
    }

    /**
     * The JSON of the {@code sip_amd} data packet:
     * {@code {"result":"machine","reason":"long_greeting","decision_ms":1840,"beep":"true","beep_end_ms":9120}};
     * {@code beep} is null until known, {@code beep_end_ms} null unless a beep ended. Every value is one of a few
     * fixed words or a number, so no escaping is needed beyond refusing quotes.
     */
    public String json() {
        return "{\"result\":\"" + word(result) + "\",\"reason\":\"" + word(reason) + "\",\"decision_ms\":" + decisionMs
                + ",\"beep\":" + (beep.isEmpty() ? "null" : "\"" + word(beep) + "\"")
                + ",\"beep_end_ms\":" + (beepEndMs < 0 ? "null" : Long.toString(beepEndMs)) + "}";
    }

    private static String word(String s) {
        return s.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** {@code machine/long_greeting after 1840 ms, beep ended at 9120 ms}, for the call's log. */
    @Override
    public String toString() {
        return result + "/" + reason + " after " + decisionMs + " ms"
                + (beep.equals("true") ? ", beep ended at " + beepEndMs + " ms" : beep.equals("timeout") ? ", no beep" : "");
    }
}
