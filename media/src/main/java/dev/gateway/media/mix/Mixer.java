package dev.gateway.media.mix;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import java.util.Arrays;

/**
 * Sums up to {@value #MAX_SOURCES} {@link FrameSource}s into one 8 kHz frame per tick, on the tick's clock (no
 * buffer of its own, so mixing adds no delay). The sum is 32-bit; a frame whose sum would clip is scaled down as
 * a whole (no hard clipping), so two loud speakers stay intelligible.
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

    /** The sources' frames due now, mixed; true when at least one had real audio. */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        Arrays.fill(sum, 0);
        int active = 0;
        for (FrameSource s : sources) {
            if (s != null && s.read(nowNanos, frame, 0)) {
                active++;
                for (int i = 0; i < N; i++) {
                    sum[i] += frame[i];
                }
            }
        }
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
        if (active > 0) {
            framesMixed++;
        }
        return active > 0;
    }

    /** Ticks in which at least one source had audio. */
    public long framesMixed() {
        return framesMixed;
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
