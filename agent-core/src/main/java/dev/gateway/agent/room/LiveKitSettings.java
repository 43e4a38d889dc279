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
 */
public record LiveKitSettings(String url, String apiKey, String apiSecret, long joinTimeoutMillis, int opusBitrate,
                              int opusComplexity, int jitterMinMs, int jitterMaxMs) {
    public LiveKitSettings {
        if (url == null || apiKey == null || apiSecret == null) {
            throw new IllegalArgumentException("LiveKit url, apiKey and apiSecret are required");
        }
    }
}
