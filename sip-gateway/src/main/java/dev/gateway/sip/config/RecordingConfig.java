package dev.gateway.sip.config;

import dev.gateway.media.record.RecordingFormat;
import java.util.Objects;

/**
 * Call recording (section {@code recording}): where and how recordings are written, and which calls are recorded
 * from their answer on. Any answered call can also be recorded on demand (HTTP {@code POST
 * /calls/{id}/recording}, RPC {@code sip.recording}). Immutable.
 *
 * @param dir           directory of the recordings and their JSON sidecars; relative paths are relative to
 *                      {@code dataDir}
 * @param format        {@code ogg} (Opus in Ogg, stereo) or {@code wav} (16-bit PCM, stereo)
 * @param switches      which calls are recorded from the answer on (default: none)
 * @param writerThreads threads that encode and write recordings, off the media loops
 * @param queueSeconds  audio a recording may have waiting for its writer before frames are dropped and the
 *                      recording is marked incomplete
 */
public record RecordingConfig(String dir, RecordingFormat format, FeatureSwitches switches, int writerThreads,
                              int queueSeconds) {

    public static final RecordingConfig DEFAULT = new RecordingConfig("recordings", RecordingFormat.OGG_OPUS,
            FeatureSwitches.OFF, 1, 5);

    public RecordingConfig {
        InvalidConfigException.check(dir != null && !dir.isBlank(), "dir", "must name a directory");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(switches, "switches");
        InvalidConfigException.check(writerThreads >= 1 && writerThreads <= 8, "writerThreads",
                "must be between 1 and 8, got " + writerThreads);
        InvalidConfigException.check(queueSeconds >= 1 && queueSeconds <= 10, "queueSeconds",
                "must be between 1 and 10 (each recording holds this much audio in memory), got " + queueSeconds);
    }

    /** Frames (20 ms) a recording may have queued. */
    public int queueFrames() {
        return queueSeconds * 50;
    }
}
