package dev.gateway.sip.call;

import dev.gateway.media.record.RecordingService;
import dev.gateway.sip.config.FeatureSwitches;
import dev.gateway.sip.config.RecordingConfig;
import dev.gateway.sip.config.VoicemailConfig;
import java.util.Objects;

/**
 * The optional per-call features and what they share: voicemail detection's switches and thresholds, and
 * recording's switches and writer. Immutable; the recording service is thread-safe.
 *
 * @param recorder     null when calls cannot be recorded (tests)
 * @param recordingDir where the recorder writes (its sidecars go there too)
 */
public record CallFeatures(VoicemailConfig voicemail, RecordingConfig recording, RecordingService recorder,
                           java.nio.file.Path recordingDir) {

    /** Neither feature on any call (tests). */
    public static final CallFeatures NONE = new CallFeatures(
            new VoicemailConfig(FeatureSwitches.OFF, VoicemailConfig.DEFAULT.thresholds()), RecordingConfig.DEFAULT, null,
            java.nio.file.Path.of(RecordingConfig.DEFAULT.dir()));

    /** At shutdown, after the recorder finished its recordings: waits (at most {@code millis}) for their sidecars. */
    public static void flushSidecars(long millis) {
        RecordingSidecars.flush(millis);
    }

    public CallFeatures {
        Objects.requireNonNull(voicemail, "voicemail");
        Objects.requireNonNull(recording, "recording");
    }
}
