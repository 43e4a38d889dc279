package dev.gateway.media.mix;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import java.util.Arrays;

/**
 * Sums up to {@value #MAX_SOURCES} {@link FrameSource}s into one 8 kHz frame per tick, on the tick's clock (no
 * buffer of its own, so mixing adds no delay). The sum is 32-bit; a frame whose sum would clip is scaled down as
 * a whole (no hard clipping), so two loud speakers stay intelligible. The usual tick has one speaker or none: one
 * is copied as it is (no sum, no scaling), none is silence.
 *
 * <p>Loop-confined. Adding or removing a source allocates nothing (a fixed table); reading allocates nothing.
 */
public final class Mixer implements FrameSource {
    public static final int MAX_SOURCES = 8;
    private static final int N = AudioFrames.SAMPLES_8K;

    private final FrameSource[] sources = new FrameSource[MAX_SOURCES];
    private final int[] sum = new int[N];
    private final short[] frame = new short[N];
    private long framesMixed;
    private long summed;
    private long scaledFrames;

    /** @return false when the table is full */
    public boolean add(FrameSource source) {
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == null) {
                sources[i] = source;
                return true;
            }
        }
        return false;
    }

    public void remove(FrameSource source) {
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == source) {
                sources[i] = null;
            }
        }
    }

    public int size() {
        int n = 0;
        for (FrameSource s : sources) {
            n += s == null ? 0 : 1;
        }
        return n;
    }

    /**
     * The sources' frames due now, mixed; true when at least one had real audio. The first source with audio
     * plays straight into {@code out} (one speaker: a copy, no sum, no clipping pass); only a second one starts
     * the 32-bit sum. With none, {@code out} is silence.
     */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        int active = 0;
        for (FrameSource s : sources) {
            if (s == null) {
                continue;
            }
            if (active == 0) {
                if (s.read(nowNanos, out, off)) {
                    active = 1;
                }
            } else if (s.read(nowNanos, frame, 0)) {
                if (active++ == 1) {
                    for (int i = 0; i < N; i++) {
                        sum[i] = out[off + i];
                    }
                }
                for (int i = 0; i < N; i++) {
                    sum[i] += frame[i];
                }
            }
        }
        if (active == 0) {
            Arrays.fill(out, off, off + N, (short) 0); // a source may leave anything in out when it has nothing
            return false;
        }
        framesMixed++;
        if (active > 1) {
            summed++;
            writeSum(out, off);
        }
        return true;
    }

    /** {@link #sum} into {@code out}, scaled down as a whole when its peak would clip. */
    private void writeSum(short[] out, int off) {
        int peak = 0;
        for (int v : sum) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak > Short.MAX_VALUE) {
            scaledFrames++;
            long gain = ((long) Short.MAX_VALUE << 16) / peak; // Q16, so the loudest sample lands on full scale
            for (int i = 0; i < N; i++) {
                out[off + i] = (short) ((sum[i] * gain) >> 16);
            }
        } else {
            for (int i = 0; i < N; i++) {
                out[off + i] = (short) sum[i];
            }
        }
    }

    /** Ticks in which at least one source had audio. */
    public long framesMixed() {
        return framesMixed;
    }

    /** Ticks in which two or more sources had audio and were summed. */
    public long framesSummed() {
        return summed;
    }

    /** Frames scaled down to avoid clipping. */
    public long scaledFrames() {
        return scaledFrames;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("mix(");
        int n = 0;
        for (FrameSource f : sources) {
            if (f != null) {
                s.append(n++ == 0 ? "" : " + ").append(f);
            }
        }
        return s.append(')').toString();
    }
}
