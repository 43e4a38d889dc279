package dev.gateway.media.record;

import java.io.IOException;

/**
 * A recording's encoder and container: stereo 20 ms frames in (8 kHz, interleaved left/right, 320 values), bytes
 * out to the file channel it was made with. The owner ({@link RecordingWorker}) opens, syncs, closes and renames
 * the file; this writes the format's headers, frames and trailer.
 *
 * <p>Confined to one writer thread.
 */
interface RecordingFile {
    /** 8 kHz frames of 20 ms: 160 per channel. */
    int FRAME_SAMPLES = 160;

    /** Writes the headers. */
    void begin() throws IOException;

    /** Writes one frame from {@code stereo[0, 320)}. */
    void write(short[] stereo) throws IOException;

    /** Writes what is pending and the trailer (last page, sizes in the header); the file is then complete. */
    void finish() throws IOException;

    /** Frees native state (the encoder). Idempotent; no I/O. */
    void release();

    static RecordingFile of(RecordingFormat format, java.nio.channels.FileChannel channel) {
        return switch (format) {
            case OGG_OPUS -> new OggOpusFile(channel);
            case WAV -> new WavFile(channel);
        };
    }
}
