package dev.gateway.media.record;

/** How a call recording is stored: stereo, 8 kHz, left = the caller as received, right = what the caller hears. */
public enum RecordingFormat {
    /** Opus in Ogg (RFC 7845 over RFC 3533), 48 kbit/s: about 6 KB/s, 22 MB an hour. */
    OGG_OPUS("ogg"),
    /** RIFF WAVE, 16-bit linear PCM, 32 KB/s; limited to 4 GiB (about 37 hours). */
    WAV("wav");

    private final String extension;

    RecordingFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension without the dot: {@code ogg}, {@code wav}. */
    public String extension() {
        return extension;
    }
}
