package dev.gateway.media.record;

import java.nio.file.Path;

/**
 * How one recording ended.
 *
 * @param file       the finished file ({@code <name>.<ext>} under the service's directory), or null when none was
 *                   written (the file could not be created, or the recording never started: too many in flight)
 * @param format     the file's format
 * @param durationMs the file's length, ms: one 20 ms frame per tick of the call from start to stop, dropped frames
 *                   included (they are written as silence, so the file's timeline stays the call's)
 * @param pausedMs   how much of {@code durationMs} is silence written while paused, ms
 * @param incomplete true when audio is missing: frames were dropped (writer behind, ring full), an I/O error ended
 *                   the file early (e.g. disk full), or the recording could not start
 * @param problem    why it is incomplete, one line; null when complete
 */
public record RecordingResult(Path file, RecordingFormat format, long durationMs, long pausedMs, boolean incomplete,
                              String problem) {
    public RecordingResult {
        if (format == null) {
            throw new IllegalArgumentException("format must not be null");
        }
        if (incomplete != (problem != null)) {
            throw new IllegalArgumentException("problem must be given exactly when incomplete: " + incomplete
                    + ", " + problem);
        }
    }
}
