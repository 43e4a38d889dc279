package dev.gateway.agent.room;

/**
 * How the gateway reaches LiveKit and how the phone participant's media is set up. Immutable.
 *
 * @param url          ws(s):// or http(s):// address of the LiveKit server
 * @param apiKey       API key that signs participant tokens
 * @param apiSecret    its secret
 * @param joinTimeoutMillis how long a ringing call may wait for the room (join + publish) before it is refused
 * @param opusBitrate  bits/s for the caller's Opus track
 * @param opusComplexity libopus complexity 0..10 (cost per frame; DESIGN.md has the table)
 * @param jitterMinMs  jitter-buffer bounds for the room's tracks
 * @param jitterMaxMs  see above
 * @param ringingTimeoutMillis how long an inbound call keeps ringing for an agent (a participant other than the
 *                     caller that subscribes to the caller's track or publishes audio), from the start of ringing
 * @param ringingTimeoutAction what happens when that time is up without an agent
 * @param uplinkCodec  what the caller's track is published as (G.711 as the phone sends it, or Opus)
 */
public record LiveKitSettings(String url, String apiKey, String apiSecret, long joinTimeoutMillis, int opusBitrate,
                              int opusComplexity, int jitterMinMs, int jitterMaxMs, long ringingTimeoutMillis,
                              RingingTimeoutAction ringingTimeoutAction, UplinkCodec uplinkCodec) {

    /** Default ringing bound: see README ("livekit.ringingTimeoutSeconds") for why 15 s. */
    public static final long DEFAULT_RINGING_TIMEOUT_MILLIS = 15_000;

    /** What a call that rang {@code ringingTimeoutMillis} without an agent does. */
    public enum RingingTimeoutAction {
        /** Answer anyway: the agent may still come, and the caller is not turned away. */
        ANSWER,
        /** Fail the call's preparation: the caller gets 480 Temporarily Unavailable. */
        REJECT
    }

    /** What the caller's track is published as (README: "livekit.uplinkCodec"). */
    public enum UplinkCodec {
        /** G.711 in the phone's law when the room's answer accepts it, else Opus. */
        AUTO,
        /** G.711 only: a room that refuses it fails the call's preparation with the reason. */
        PCMU,
        /** Opus only (encoded from the caller's 8 kHz audio). */
        OPUS
    }

    public LiveKitSettings {
        if (url == null || apiKey == null || apiSecret == null) {
            throw new IllegalArgumentException("LiveKit url, apiKey and apiSecret are required");
        }
        if (ringingTimeoutMillis <= 0 || ringingTimeoutAction == null) {
            throw new IllegalArgumentException("ringingTimeoutMillis must be positive and ringingTimeoutAction set");
        }
        if (uplinkCodec == null) {
            throw new IllegalArgumentException("uplinkCodec must be set");
        }
    }

    /** Settings with the default uplink codec ({@link UplinkCodec#AUTO}). */
    public LiveKitSettings(String url, String apiKey, String apiSecret, long joinTimeoutMillis, int opusBitrate,
                           int opusComplexity, int jitterMinMs, int jitterMaxMs, long ringingTimeoutMillis,
                           RingingTimeoutAction ringingTimeoutAction) {
        this(url, apiKey, apiSecret, joinTimeoutMillis, opusBitrate, opusComplexity, jitterMinMs, jitterMaxMs,
                ringingTimeoutMillis, ringingTimeoutAction, UplinkCodec.AUTO);
    }

    /** Settings with the default ringing policy (15 s, then answer) and uplink codec. */
    public LiveKitSettings(String url, String apiKey, String apiSecret, long joinTimeoutMillis, int opusBitrate,
                           int opusComplexity, int jitterMinMs, int jitterMaxMs) {
        this(url, apiKey, apiSecret, joinTimeoutMillis, opusBitrate, opusComplexity, jitterMinMs, jitterMaxMs,
                DEFAULT_RINGING_TIMEOUT_MILLIS, RingingTimeoutAction.ANSWER, UplinkCodec.AUTO);
    }
}
