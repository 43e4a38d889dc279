package dev.gateway.media.audio;

/**
 * An observer for a {@link TapWriter}: keeps the RFC 6464 level of the last frame, for the uplink's audio-level
 * header extension and for voice activity. Loop-confined.
 */
public final class LevelMeter extends AudioStage {
    private int level = AudioLevel.SILENCE;
    private long voicedFrames;

    public LevelMeter(int sampleRate) {
        super("level", sampleRate, null);
    }

    @Override
    protected void process(short[] pcm, int off, int len) {
        level = AudioLevel.of(pcm, off, len);
        if (AudioLevel.isVoice(level)) {
            voicedFrames++;
        }
    }

    /** The last frame's level, -dBov 0..127; 127 before the first frame. */
    public int level() {
        return level;
    }

    /** Frames at or above {@link AudioLevel#VOICE_THRESHOLD}. */
    public long voicedFrames() {
        return voicedFrames;
    }
}
